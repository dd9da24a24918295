namespace TokUsage
{
    /// <summary>Where a cost comes from. Files and summaries say <see cref="Mixed"/> when their messages differ.</summary>
    public enum CostSource
    {
        /// <summary>No cost: nothing prices the model (see UnpricedModels), or nothing was counted.</summary>
        None,

        /// <summary>Computed from token counts with the price table in force and the user's overrides (see Get-TokenPrice).</summary>
        Calculated,

        /// <summary>Logged by the client as what the provider billed (OpenCode, Cline, Hermes…), kept as is.</summary>
        Reported,

        /// <summary>Some of the cost is calculated and some reported; ReportedCost says how much was reported.</summary>
        Mixed,
    }
}
