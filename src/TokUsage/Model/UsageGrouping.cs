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
        /// <summary>Billing blocks of -BlockHours (5 by default) from the hour of their first message.</summary>
        Block,
    }
}
