# Hostile inputs that used to cost a user the whole report (issue: hostile inputs and faults). Each log is written as
# the agent writes it, with the damage in it; expectations are what the specs wrote.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Go''s zero time in a log' {
    BeforeAll {
        $script:codexHome = Join-Path $TestDrive '.codex'
        $path = Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-zero' -Cwd '/home/me/app' -Requests @(
            [pscustomobject]@{ Input = 1000; Cached = 0; Output = 100; Timestamp = '2026-05-02T08:00:00Z' }
            [pscustomobject]@{ Input = 2000; Cached = 0; Output = 200; Timestamp = '2026-05-02T08:05:00Z' })
        # Codex writes 0001-01-01T00:00:00Z for a time it never set: here on the second request's event.
        $lines = Get-Content $path
        $lines[-1] = $lines[-1] -replace '"timestamp":"[^"]*"', '"timestamp":"0001-01-01T00:00:00Z"'
        $lines | Set-Content $path
        # Codex events without a usable time are dated at the rollout's last write (docs/clients.md).
        (Get-Item $path).LastWriteTimeUtc = [datetime]::new(2026, 5, 2, 9, 0, 0, [DateTimeKind]::Utc)
        $script:claudeRoot = Join-Path $TestDrive 'claude'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $claudeRoot 'projects/-home-me-app')
        @(
            (ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 10 -OutputTokens 1 -Timestamp '2026-05-02T08:00:00Z')
            (ConvertTo-ClaudeLine -Id m2 -RequestId r2 -InputTokens 20 -OutputTokens 2 -Timestamp '0001-01-01T00:00:00Z')
        ) | Set-Content (Join-Path $project 's.jsonl')
    }

    # Claude Code lines carry their own time: one without a usable time is damage (skipped and counted). A Codex event
    # without one is dated at the file's last write, so its tokens still count.
    It 'is no lost report for <Client> in a zone east of UTC' -ForEach @(@{ Client = 'codex'; Tokens = 3300; Skipped = 0 }, @{ Client = 'claude'; Tokens = 11; Skipped = 1 }) {
        $path = if ($Client -eq 'codex') { $codexHome } else { $claudeRoot }
        $files = Get-TokenUsage -Path $path -Client $Client -TimeZone Asia/Tokyo -WarningAction SilentlyContinue
        $files.SkippedLines | Should -Be $Skipped
        $rows = $files | Measure-TokenUsage -Total:$false
        $rows.Period | Should -Be @('2026-05-02')
        $rows.TotalTokens | Should -Be $Tokens
        (Get-TokenUsage -Path $path -Client $Client -Since 2026-05-01 -TimeZone Asia/Tokyo -WarningAction SilentlyContinue | Measure-Object TotalTokens -Sum).Sum | Should -Be $Tokens
    }
}
