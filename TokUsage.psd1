@{
    # The cmdlets live in TokUsage.dll, which TokUsage.psm1 imports (on PowerShell 7 into the module's own load
    # context, with TokUsage.Loader.dll), then the script files in Public/.
    RootModule             = 'TokUsage.psm1'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '6f1d3c5e-2a47-4b8e-9c61-7d2e4f8a0b13'
    Author                 = 'TokUsage contributors'
    CompanyName            = 'TokUsage contributors'
    Copyright              = '(c) TokUsage contributors. MIT License.'
    Description            = 'Reports what AI coding assistants cost: reads the session logs Claude Code and other agents write, streams one typed usage object per log file (Get-TokenUsage) and folds them into daily, weekly, session, project and model totals with tokens and USD cost (Measure-TokenUsage). Offline, exact deduplication, flat memory.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('TokUsage.Format.ps1xml')
    TypesToProcess         = @('TokUsage.Types.ps1xml')
    FunctionsToExport      = @('Register-TokenUsageSchedule', 'Get-TokenUsageSchedule', 'Unregister-TokenUsageSchedule', 'Get-TokenUsageStatusLine')
    CmdletsToExport        = @('Get-TokenUsage', 'Get-TokenUsageSource', 'Measure-TokenUsage', 'Get-TokenPrice', 'Update-TokenPrice', 'Clear-TokenUsageCache', 'Save-TokenUsage', 'Send-TokenUsage', 'Get-TokenUsageReport', 'Export-TokenUsageReport')
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('AI', 'LLM', 'Tokens', 'Cost', 'Usage', 'ClaudeCode', 'Claude', 'Codex', 'Anthropic', 'ccusage', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/tokusage/TokUsage/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/tokusage/TokUsage'
            ReleaseNotes = 'Usage and cost of 23 coding agents (Claude Code, Codex CLI, Gemini CLI, OpenCode, Copilot CLI, Amp and more) with exact deduplication, embedded offline pricing, a per-file cache, and daily/weekly/monthly/hourly/session/project/model/client summaries with a total row and views that fit 80 columns. See https://github.com/tokusage/TokUsage for the full notes.'
        }
    }
}
