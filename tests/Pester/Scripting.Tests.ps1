# TokUsage as scheduled automation and at the prompt: a `pwsh -File` script's output and exit codes, and tab completion
# through TabExpansion2 as PSReadLine asks for it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:claude = Build-ClaudeHome -Root (Join-Path $TestDrive 'home')
    $script:pwsh = @(Get-PwshCommand)
    $script:manifest = (Resolve-Path $script:ModuleManifest).Path

    # Runs a script file in a fresh `pwsh -NoProfile -NonInteractive -File` process; returns its exit code and output.
    function Invoke-ScriptFile {
        param([string] $Text, [string[]] $Arguments = @())
        $file = Join-Path $TestDrive ("job-{0}.ps1" -f [guid]::NewGuid().ToString('N'))
        Set-Content -Path $file -Value $Text
        $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file) + $Arguments
        $output = & $pwsh[0] @pwshArgs 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output -join "`n" }
    }
}

Describe 'A scheduled script' {
    It 'writes a daily CSV report and exits 0' {
        $csv = Join-Path $TestDrive 'daily.csv'
        $run = Invoke-ScriptFile -Text @"
param([string] `$Out)
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Get-TokenUsage -Path '$($claude.Projects)' | Measure-TokenUsage -By Day -TimeZone UTC | Export-Csv -Path `$Out
"@ -Arguments $csv
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $rows = @(Import-Csv $csv)
        $rows.Period | Should -Be @('2026-05-01', '2026-05-02', '2026-05-03')
        ($rows | Measure-Object TotalTokens -Sum).Sum | Should -Be (($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum)
    }

    It 'exits 1 and names the error when a parameter is wrong' {
        $run = Invoke-ScriptFile -Text @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Get-TokenUsage -Path '$($claude.Projects)' -Since 'last tuesday' | Measure-TokenUsage
"@
        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match 'yyyyMMdd'
    }

    It 'exits non-zero under ErrorActionPreference Stop when a named path is missing, and 0 when errors are only reported' {
        $missing = Join-Path $TestDrive 'missing-folder'
        $stop = Invoke-ScriptFile -Text "`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; Get-TokenUsage -Path '$missing' | Measure-TokenUsage"
        $stop.ExitCode | Should -Be 1
        $stop.Output | Should -Match 'missing-folder'
        $report = Invoke-ScriptFile -Text "Import-Module '$manifest'; Get-TokenUsage -Path '$missing', '$($claude.Projects)' | Measure-TokenUsage -By Month -TimeZone UTC | Select-Object -ExpandProperty Messages"
        $report.ExitCode | Should -Be 0
        $report.Output | Should -Match '(?m)^24$'
        $report.Output | Should -Match 'PathNotFound|Cannot find path'
    }

    It 'uses an explicit exit code the script sets from the result' {
        $run = Invoke-ScriptFile -Text "Import-Module '$manifest'; `$day = Get-TokenUsage -Path '$($claude.Projects)' | Measure-TokenUsage -By Month -TimeZone UTC -Total:`$false; if (`$day.Cost -gt 0.5) { exit 3 }; exit 0"
        $run.ExitCode | Should -Be 3
    }
}

Describe 'README''s daily-usage.ps1' {
    BeforeAll {
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
        $script:dailyScript = [regex]::Match($readme, '```ps1\r?\n(# daily-usage\.ps1.*?)```', 'Singleline').Groups[1].Value
        $script:root = Join-Path $TestDrive 'daily'
        $script:history = Build-ClaudeHome -Root $root -Days 2
        # One message today, so today's cost is known: 150,000 input tokens of Sonnet 4.5 at $3 per million, $0.45.
        $today = Get-ChildItem -Recurse -Filter '*.jsonl' $history.Projects | Select-Object -First 1
        Add-Content -Path $today.FullName -Value (ConvertTo-ClaudeLine -Id 'msg_today' -RequestId 'req_today' -InputTokens 150000 -OutputTokens 0 -CacheReadTokens 0 -Timestamp ([DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')) -Cwd '/home/me/app' -SessionId 'today')
        $script:saved = @{ CLAUDE_CONFIG_DIR = $env:CLAUDE_CONFIG_DIR; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath }
        $env:CLAUDE_CONFIG_DIR = Join-Path $root '.claude'
        $env:XDG_DATA_HOME = Join-Path $root 'data'
        $env:PSModulePath = (Split-Path (Split-Path $manifest)) + [IO.Path]::PathSeparator + $env:PSModulePath
    }

    AfterAll {
        foreach ($name in $saved.Keys) { Set-Item -Path "Env:$name" -Value $saved[$name] }
    }

    It 'is in the README' {
        $dailyScript | Should -Match 'Save-TokenUsage'
    }

    It 'keeps the history, writes the daily CSV and exits 0 within the budget' {
        $out = Join-Path $root 'reports'
        $run = Invoke-ScriptFile -Text $dailyScript -Arguments @('-OutFolder', $out, '-Budget', '100')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Saved 17 new message\(s\); today 0\.45 USD of 100\.00 USD\.'
        @(Import-Csv (Join-Path $out 'daily.csv')).Count | Should -Be 3
        (@() | Save-TokenUsage -StorePath (Join-Path $root 'data/TokUsage/usage.db')).StoredMessages | Should -Be 17
    }

    It 'exits 2 and says so on stderr when today passes the budget' {
        $run = Invoke-ScriptFile -Text $dailyScript -Arguments @('-OutFolder', (Join-Path $root 'reports'), '-Budget', '0.10')
        $run.ExitCode | Should -Be 2
        $run.Output | Should -Match 'Over budget: today cost 0\.45 USD \(budget 0\.10 USD\)\.'
    }
}

Describe 'Tab completion' {
    It 'completes <Line>' -ForEach @(
        @{ Line = 'Get-TokenUsage -Client co'; Expected = @('codebuff', 'codex', 'copilot') }
        @{ Line = 'Get-TokenUsageSource -Client ge'; Expected = @('gemini') }
        @{ Line = 'Measure-TokenUsage -By Mo'; Expected = @('Model', 'Month') }
        @{ Line = 'Measure-TokenUsage -TimeZone Asia/Tok'; Expected = @('Asia/Tokyo') }
        @{ Line = 'Get-TokenUsage -TimeZone Europe/Berl'; Expected = @('Europe/Berlin') }
        @{ Line = 'Get-TokenPrice claude-sonnet-4-5-2025'; Expected = @('claude-sonnet-4-5-20250929') }
        @{ Line = 'Measure-TokenUsage -WeekStart Su'; Expected = @('Sunday') }
    ) {
        $completions = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        foreach ($e in $Expected) { $completions | Should -Contain $e }
    }
}
