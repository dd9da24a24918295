# The Claude Code status line (issue 18): the JSON Claude Code pipes in gives the session; the line shows that session's
# cost, today's cost and the active billing block, computed here from what the generated transcripts hold, in-session
# and as Claude Code runs it (a fresh pwsh reading its standard input).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Format-Usd {
        param([decimal] $Amount)
        '$' + [math]::Round($Amount, 2, [MidpointRounding]::AwayFromZero).ToString('0.00', [cultureinfo]::InvariantCulture)
    }

    # A home of this spec's own (Claude Code's default folders, the cache), so no other spec sees these transcripts.
    $script:saved = @{ HOME = $env:HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; USERPROFILE = $env:USERPROFILE }
    $statusHome = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'status-home')
    $env:HOME = $statusHome.FullName
    $env:USERPROFILE = $statusHome.FullName
    $env:XDG_CONFIG_HOME = Join-Path $statusHome.FullName '.config'
    $env:XDG_CACHE_HOME = Join-Path $statusHome.FullName '.cache'

    $script:now = [datetime]::UtcNow
    $script:projects = Join-Path $env:HOME '.claude/projects'
    $sessionA = 'status-a-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $sessionB = 'status-b-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $app = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-status')
    $other = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-other')
    $script:messages = @(
        [pscustomobject]@{ Session = $sessionA; At = $now.AddHours(-26); Input = 4000; Output = 300; Model = 'claude-sonnet-4-5-20250929' }
        [pscustomobject]@{ Session = $sessionA; At = $now.AddMinutes(-40); Input = 2000; Output = 500; Model = 'claude-sonnet-4-5-20250929' }
        [pscustomobject]@{ Session = $sessionA; At = $now.AddMinutes(-20); Input = 3000; Output = 700; Model = 'claude-opus-4-1-20250805' }
        [pscustomobject]@{ Session = $sessionB; At = $now.AddMinutes(-10); Input = 1000; Output = 100; Model = 'claude-sonnet-4-5-20250929' }
    )
    $n = 0
    foreach ($group in $messages | Group-Object Session) {
        $folder = if ($group.Name -eq $sessionA) { $app } else { $other }
        $group.Group | ForEach-Object {
            $n++
            ConvertTo-ClaudeLine -Id "st$n" -RequestId "rst$n" -InputTokens $_.Input -OutputTokens $_.Output -Model $_.Model -SessionId $_.Session -Cwd '/home/me/status' -Timestamp $_.At.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
        } | Set-Content -Path (Join-Path $folder "$($group.Name).jsonl")
    }

    function Get-Cost {
        param([object[]] $Of)
        Get-ExpectedCost @($Of | ForEach-Object { [pscustomobject]@{ Model = $_.Model; Input = $_.Input; Output = $_.Output; CacheRead = 0; CacheWrite = 0 } })
    }

    $script:transcript = Join-Path $app "$sessionA.jsonl"
    $script:json = (@{ session_id = $sessionA; transcript_path = $transcript; cwd = '/home/me/status'; model = @{ id = 'claude-sonnet-4-5-20250929'; display_name = 'Sonnet 4.5' } } | ConvertTo-Json -Compress)
    $todayLocal = (Get-Date).Date
    $script:expectedSession = Format-Usd (Get-Cost @($messages | Where-Object Session -EQ $sessionA))
    $script:expectedToday = Format-Usd (Get-Cost @($messages | Where-Object { $_.At.ToLocalTime().Date -eq $todayLocal }))
    # The active block starts at the UTC hour of the first message in it: the one 40 minutes ago (the one before is 26 h older).
    $recent = @($messages | Where-Object { $_.At -gt $now.AddHours(-5) })
    $script:expectedBlock = Format-Usd (Get-Cost $recent)
    $script:blockStart = [datetime]::new($recent[0].At.Year, $recent[0].At.Month, $recent[0].At.Day, $recent[0].At.Hour, 0, 0, [DateTimeKind]::Utc)
}

AfterAll {
    foreach ($name in $saved.Keys) { Set-Item -Path "Env:$name" -Value $saved[$name] }
}

Describe 'Get-TokenUsageStatusLine' {
    It 'shows the session, today and the active block from the JSON Claude Code pipes in' {
        $line = $json | Get-TokenUsageStatusLine
        $line | Should -BeOfType [string]
        $match = [regex]::Match($line, '^Sonnet 4\.5 \| session ' + [regex]::Escape($expectedSession) + ' \| today ' + [regex]::Escape($expectedToday) + ' \| block ' + [regex]::Escape($expectedBlock) + ', (\d+)h(\d\d)m left, \$\d+\.\d\d/h$')
        $match.Success | Should -BeTrue -Because "the line was: $line"
        $left = [timespan]::FromHours([int]$match.Groups[1].Value) + [timespan]::FromMinutes([int]$match.Groups[2].Value)
        $expectedLeft = $blockStart.AddHours(5) - [datetime]::UtcNow
        [math]::Abs(($left - $expectedLeft).TotalMinutes) | Should -BeLessOrEqual 2
        $line | Should -Match '^[\x20-\x7E]+$' -Because 'a status bar line is plain ASCII'
    }

    It 'answers without input, and with input that is not Claude Code''s JSON' {
        Get-TokenUsageStatusLine | Should -Match ('^today ' + [regex]::Escape($expectedToday) + ' \| block ')
        'not json' | Get-TokenUsageStatusLine | Should -Match '^today '
    }

    It 'works as Claude Code runs it: a fresh pwsh reading the JSON on standard input' {
        $pwsh = @(Get-PwshCommand)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModuleManifest'; `$input | Get-TokenUsageStatusLine")) {
            $start.ArgumentList.Add($argument)
        }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        $process.StandardInput.WriteLine($json)
        $process.StandardInput.Close()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit(60000) | Should -BeTrue
        $process.ExitCode | Should -Be 0
        @($output -split "`r?`n" | Where-Object { $_ })[0] | Should -Match ('^Sonnet 4\.5 \| session ' + [regex]::Escape($expectedSession) + ' \| today ' + [regex]::Escape($expectedToday) + ' \| block ' + [regex]::Escape($expectedBlock) + ',')
    }
}
