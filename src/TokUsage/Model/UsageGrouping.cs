namespace TokUsage
{
    /// <summary>How Measure-TokenUsage groups messages.</summary>
    public enum UsageGrouping
    {
        Day,
        Week,
        Month,
        Hour,
        Session,
        Project,
        Model,
        Client,
        User,
        Machine,
    }
}
