# Makes docs/images/report.png, the README's picture of Export-TokenUsageReport: a generated five-month history of
# Claude Code and Codex CLI (seeded, so the picture is the same each time) exported and shot by headless Chromium.
# Run after build.ps1 -Task Build: dotnet pwsh -NoProfile -File tools/Export-ReportScreenshot.ps1
param([string] $OutFile = (Join-Path $PSScriptRoot '../docs/images/report.png'), [string] $Browser = 'chromium')
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.ps1')

$work = Join-Path ([IO.Path]::GetTempPath()) ("tokusage-shot-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$projects = Join-Path $work '.claude/projects'
$random = [Random]::new(18)
$models = 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'
$names = 'billing-api', 'web-app', 'infra', 'docs', 'ml-pipeline'
$start = [datetime]::new(2026, 7, 1, 0, 0, 0, [DateTimeKind]::Utc)
$n = 0
try {
    foreach ($day in 0..155) {
        $date = $start.AddDays($day)
        $busy = if ($date.DayOfWeek -in 'Saturday', 'Sunday') { $random.Next(0, 2) } else { $random.Next(1, 5) }
        foreach ($s in 1..$busy) {
            $project = $names[$random.Next($names.Count)]
            $folder = New-Item -ItemType Directory -Force -Path (Join-Path $projects "-home-me-$project")
            $session = '{0:yyyyMMdd}-{1}-{2}' -f $date, $project, $s
            $at = $date.AddHours(8 + $random.Next(0, 10)).AddMinutes($random.Next(0, 60))
            $lines = foreach ($turn in 1..$random.Next(5, 40)) {
                $n++
                $at = $at.AddSeconds($random.Next(20, 400))
                $model = $models[$random.Next($models.Count)]
                ConvertTo-ClaudeLine -Id "msg_$n" -RequestId "req_$n" -InputTokens $random.Next(5, 3000) -OutputTokens $random.Next(100, 4000) -CacheReadTokens $random.Next(20000, 150000) -CacheWriteTokens $random.Next(0, 8000) -Model $model -Timestamp $at.ToString('yyyy-MM-ddTHH:mm:ss.fffZ') -Cwd "/home/me/$project" -SessionId $session
            }
            $lines | Set-Content -Path (Join-Path $folder "$session.jsonl")
        }
        if ($random.Next(0, 3) -eq 0) {
            $requests = foreach ($r in 1..$random.Next(3, 15)) {
                [pscustomobject]@{ Input = $random.Next(20000, 90000); Cached = $random.Next(10000, 19000); Output = $random.Next(200, 3000); Timestamp = $date.AddHours(15).AddMinutes(3 * $r).ToString('o') }
            }
            Build-CodexRollout -CodexHome (Join-Path $work '.codex') -SessionId "cx-$day" -Cwd "/home/me/$($names[$random.Next($names.Count)])" -Requests $requests | Out-Null
        }
    }
    $mystery = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-lab')
    ConvertTo-ClaudeLine -Id 'msg_x' -RequestId 'req_x' -InputTokens 1200 -OutputTokens 300 -Model 'acme-coder-2' -Timestamp $start.AddDays(150).AddHours(11).ToString('yyyy-MM-ddTHH:mm:ss.fffZ') -Cwd '/home/me/lab' -SessionId 'lab' |
        Set-Content -Path (Join-Path $mystery 'lab.jsonl')

    $html = Join-Path $work 'report.html'
    @(Get-TokenUsage -Path $projects -NoStore -WarningAction SilentlyContinue) + @(Get-TokenUsage -Path (Join-Path $work '.codex') -NoStore) |
        Export-TokenUsageReport -Path $html -TimeZone UTC
    & $Browser --headless --no-sandbox --disable-gpu --hide-scrollbars "--screenshot=$([IO.Path]::GetFullPath($OutFile))" --window-size=1280,1480 ([uri]::new($html).AbsoluteUri) 2>$null | Out-Null
    Get-Item -LiteralPath $OutFile
}
finally {
    Remove-Item -Recurse -Force -LiteralPath $work -ErrorAction SilentlyContinue
}
