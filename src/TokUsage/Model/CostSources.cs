namespace TokUsage.Model
{
    /// <summary>Folds message cost sources into the source of a file or summary.</summary>
    internal static class CostSources
    {
        public static CostSource Combine(CostSource a, CostSource b) =>
            a == b || b == CostSource.None ? a
            : a == CostSource.None ? b
            : CostSource.Mixed;
    }
}
