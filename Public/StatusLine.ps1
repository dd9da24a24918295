# A status line for Claude Code (issue 18): its statusLine setting runs a command on every prompt with the session's
# JSON on standard input (session_id, transcript_path, model, workspace); the command prints one short line. This one
# answers from the per-file cache: only the logs of today and yesterday are read for today's cost and the active billing
# block, and only the session's project folder for the session's cost.

function Get-TokenUsageStatusLine {
    <#
    .SYNOPSIS
    Prints one short line for Claude Code's status bar: the session's cost, today's cost, and the active 5-hour block's cost, time left and burn rate.

    .DESCRIPTION
    Claude Code runs the command of its statusLine setting with a JSON object on standard input (session_id,
    transcript_path, model.display_name, ...) and shows the first line the command prints. Get-TokenUsageStatusLine reads
    that JSON from the pipeline and answers from the per-file cache of Get-TokenUsage: today's and yesterday's logs for
    today's cost and the active billing block (Measure-TokenUsage -By Block), the session's project folder for the
    session's cost. Without input (or with input that is not Claude Code's JSON) it prints today's cost and the block.
    The line is plain ASCII. Costs are in USD; the block's burn rate is USD per hour between its first and last message.

    .PARAMETER InputObject
    The JSON Claude Code passes on standard input (lines are joined), or nothing.

    .PARAMETER BlockHours
    The length of a billing block in hours (default 5, as Anthropic's subscription windows).

    .EXAMPLE
    PS> '{"session_id":"6f1c...","transcript_path":"/home/me/.claude/projects/-home-me-app/6f1c....jsonl","model":{"display_name":"Sonnet 4.5"}}' | Get-TokenUsageStatusLine
    Sonnet 4.5 | session $1.84 | today $12.40 | block $6.10, 2h13m left, $2.75/h

    .EXAMPLE
    # In ~/.claude/settings.json:
    #   "statusLine": { "type": "command", "command": "pwsh -NoProfile -NonInteractive -Command \"Import-Module TokUsage; $input | Get-TokenUsageStatusLine\"" }

    Claude Code pipes its JSON into the command; $input hands it to Get-TokenUsageStatusLine.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(ValueFromPipeline = $true)]
        [AllowEmptyString()]
        [AllowNull()]
        [string[]] $InputObject,

        [ValidateRange(1, 24)]
        [int] $BlockHours = 5
    )

    begin {
        $text = New-Object System.Text.StringBuilder
    }

    process {
        foreach ($line in $InputObject) {
            [void]$text.AppendLine($line)
        }
    }

    end {
        $info = $null
        if ($text.ToString().Trim()) {
            try { $info = $text.ToString() | ConvertFrom-Json -ErrorAction Stop } catch { $info = $null }
        }

        $parts = New-Object System.Collections.Generic.List[string]
        if ($info -and $info.model -and $info.model.display_name) {
            $parts.Add([string]$info.model.display_name)
        }

        $quiet = @{ WarningAction = 'SilentlyContinue'; ErrorAction = 'SilentlyContinue' }
        if ($info -and $info.session_id -and $info.transcript_path) {
            $folder = Split-Path -Parent ([string]$info.transcript_path)
            if ($folder -and (Test-Path -LiteralPath $folder)) {
                $session = Get-TokenUsage -LiteralPath $folder -Client claude @quiet |
                    Where-Object SessionId -EQ ([string]$info.session_id) |
                    Measure-TokenUsage -By Session -Total:$false | Select-Object -First 1
                $parts.Add(('session {0}' -f (Format-TokUsageUsd $(if ($session) { $session.Cost } else { 0 }))))
            }
        }

        $recent = @(Get-TokenUsage -Client claude -Since (Get-Date).Date.AddDays(-1) @quiet)
        $todayLabel = (Get-Date).ToString('yyyy-MM-dd', [System.Globalization.CultureInfo]::InvariantCulture)
        $today = $recent | Measure-TokenUsage -By Day -Total:$false | Where-Object Period -EQ $todayLabel
        $parts.Add(('today {0}' -f (Format-TokUsageUsd $(if ($today) { $today.Cost } else { 0 }))))

        $block = $recent | Measure-TokenUsage -By Block -BlockHours $BlockHours -Total:$false | Where-Object IsActive
        if ($block) {
            $left = $block.Remaining
            $line = 'block {0}, {1}h{2:00}m left' -f (Format-TokUsageUsd $block.Cost), [int][math]::Floor($left.TotalHours), $left.Minutes
            if ($null -ne $block.CostPerHour) {
                $line += ', {0}/h' -f (Format-TokUsageUsd $block.CostPerHour)
            }
            $parts.Add($line)
        }
        else {
            $parts.Add('no active block')
        }

        $parts -join ' | '
    }
}

function Format-TokUsageUsd {
    # A cost as the status line shows it: dollars with cents, invariant culture.
    param([decimal] $Amount)
    '$' + $Amount.ToString('0.00', [System.Globalization.CultureInfo]::InvariantCulture)
}
