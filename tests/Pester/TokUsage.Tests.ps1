# User-level behaviour of TokUsage in real pwsh (run by build.ps1 -Task Test, which CI runs).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-TokenUsage' {
    BeforeEach {
        # TestDrive lives as long as the Describe: each test gets a folder of its own.
        $projects = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
    }

    It 'counts a message written on several lines once, by per-field maximum' {
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 1)
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 40)
        ) | Set-Content -Path (Join-Path $project 's1.jsonl')
        $file = Get-TokenUsage -Path $projects
        $file.Messages | Should -Be 1
        $file.TotalTokens | Should -Be 50
        $file.SessionId | Should -Be 's1'
        $file.Project | Should -Be '-home-me-app'
    }

    It 'lets the first file in path order own a message copied into a resumed session' {
        ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5 | Set-Content -Path (Join-Path $project 'a.jsonl')
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5)
            (ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 7 -OutputTokens 3)
        ) | Set-Content -Path (Join-Path $project 'b.jsonl')
        $files = Get-TokenUsage -Path $projects
        $files.Count | Should -Be 2
        $files[0].TotalTokens | Should -Be 15
        $files[1].TotalTokens | Should -Be 10
    }

    It 'reads the copies of one log under two folders one after the other, and counts each message once' {
        # A backup folder named beside the live one: session a grew after the backup, session b did not.
        $backup = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive "0-backup-$([guid]::NewGuid().ToString('N'))/-home-me-app")
        ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5 | Set-Content -Path (Join-Path $backup 'a.jsonl')
        ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 7 -OutputTokens 3 | Set-Content -Path (Join-Path $backup 'b.jsonl')
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5)
            (ConvertTo-ClaudeLine -Id msg_3 -RequestId req_3 -InputTokens 20 -OutputTokens 2)
        ) | Set-Content -Path (Join-Path $project 'a.jsonl')
        ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 7 -OutputTokens 3 | Set-Content -Path (Join-Path $project 'b.jsonl')
        $files = Get-TokenUsage -Path $projects, $backup.Parent.FullName
        # Each log's copies side by side, the backup's first (its folder's name sorts first); live b.jsonl holds only
        # copies, so it has nothing of its own to report.
        $files.Path | Should -Be @((Join-Path $backup 'a.jsonl'), (Join-Path $project 'a.jsonl'), (Join-Path $backup 'b.jsonl'))
        $files.TotalTokens | Should -Be @(15, 22, 10)
    }

    It 'skips and counts damaged lines, and names them with -Verbose' {
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5)
            'garbage'
            '{"type":"assistant","message":{"usage":{"input_tokens":"x"'
        ) | Set-Content -Path (Join-Path $project 's.jsonl')
        $file = Get-TokenUsage -Path $projects -Verbose -WarningAction SilentlyContinue 4>&1 | Where-Object { $_ -is [TokUsage.UsageFile] }
        $file.SkippedLines | Should -Be 2
        $file.TotalTokens | Should -Be 15
    }

    It 'reports an unknown model as unpriced instead of silently costing nothing' {
        ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 5 -Model 'zeta-private-1' | Set-Content -Path (Join-Path $project 's.jsonl')
        $file = Get-TokenUsage -Path $projects -WarningVariable warnings -WarningAction SilentlyContinue
        $file.UnpricedModels | Should -Be @('zeta-private-1')
        $file.Cost | Should -Be 0
        $warnings.Count | Should -Be 1
    }

    It 'rejects an unknown client with the list of valid ones' {
        { Get-TokenUsage -Client nope } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TokUsage.Commands.GetTokenUsageCommand'
    }

    It 'reports a missing path as a non-terminating error' {
        Get-TokenUsage -Path (Join-Path $TestDrive 'missing') -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TokUsage.Commands.GetTokenUsageCommand'
    }
}

Describe 'Measure-TokenUsage' {
    BeforeAll {
        $projects = Join-Path $TestDrive 'projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 1000000 -OutputTokens 0 -Timestamp '2026-05-01T23:30:00Z')
            (ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 0 -OutputTokens 1000000 -Timestamp '2026-05-02T00:30:00Z')
        ) | Set-Content -Path (Join-Path $project 's.jsonl')
    }

    It 'cuts days in the requested time zone' {
        (Get-TokenUsage -Path $projects | Measure-TokenUsage -TimeZone UTC -Total:$false).Period | Should -Be @('2026-05-01', '2026-05-02')
        (Get-TokenUsage -Path $projects | Measure-TokenUsage -TimeZone 'Asia/Tokyo' -Total:$false).Period | Should -Be @('2026-05-02')
    }

    It 'prices the whole request at the long-context rate above 200k input tokens' {
        $day = Get-TokenUsage -Path $projects | Measure-TokenUsage -TimeZone UTC | Select-Object -First 1
        $day.Cost | Should -Be 6   # 1M input tokens of Sonnet 4.5 above 200k: $6/MTok for all of them
    }

    It 'folds sessions' {
        $session = Get-TokenUsage -Path $projects | Measure-TokenUsage -By Session -Total:$false
        $session.SessionId | Should -Be 's'
        $session.Messages | Should -Be 2
        $session.Duration | Should -Be ([timespan]::FromHours(1))
    }

    It 'rejects a bad time zone' {
        { Get-TokenUsage -Path $projects | Measure-TokenUsage -TimeZone 'Mars/Base' } | Should -Throw -ErrorId 'InvalidTimeZone,TokUsage.Commands.MeasureTokenUsageCommand'
    }

    It 'groups by several keys at once, each key a column of its own' {
        $claude = Build-ClaudeHome -Root (Join-Path $TestDrive 'multi') -Days 3
        $expected = $claude.Messages | Group-Object Day, Project | Sort-Object { $_.Group[0].Day }, { $_.Group[0].Project } | ForEach-Object {
            '{0} {1} {2} {3}' -f $_.Group[0].Day, $_.Group[0].Project, (($_.Group | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum), $_.Count
        }
        $rows = @(Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Day, Project -TimeZone UTC -Total:$false)
        @($rows | ForEach-Object { '{0} {1} {2} {3}' -f $_.Period, $_.Project, $_.TotalTokens, $_.Messages }) | Should -Be $expected
        $csv = $rows | ConvertTo-Csv
        $csv[0] | Should -Match '"Project"'
        $csv[0] | Should -Match '"Period"'

        # Model first, then client: GroupSummary rows named by model, with a Client column; the total row closes the view.
        $lines = Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Model, Client -Total | Get-ViewLine -Width 120
        $lines[0] | Should -Match '^Group\s+Total\s+Cost \(USD\)'
        $lines | Where-Object { $_ -match '^claude-sonnet-4-5-20250929 \| claude\s' } | Should -Not -BeNullOrEmpty
        $lines[-1] | Should -Match '^Total\s'
        $byModel = Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Model -Total:$false
        (Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Model, Client -Total:$false).TotalTokens | Should -Be $byModel.TotalTokens

        # -Project and -Model keep what their wildcards match.
        $opusApp = @($claude.Messages | Where-Object { $_.Project -eq '/home/me/app' -and $_.Model -like 'claude-opus-*' })
        $filtered = Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Client -Project '*/APP' -Model 'claude-opus-*' -Total:$false
        $filtered.Messages | Should -Be $opusApp.Count
        $filtered.TotalTokens | Should -Be (($opusApp | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum)
        @(Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -Model 'no-such-*' -Total:$false).Count | Should -Be 0

        { Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Session, Day } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
        { Get-TokenUsage -Path $claude.Projects | Measure-TokenUsage -By Day, Day } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
    }
}

Describe 'Billing blocks' {
    BeforeAll {
        function Write-Transcript {
            param([string] $Folder, [datetime[]] $Stamps)
            $p = New-Item -ItemType Directory -Force -Path (Join-Path $Folder '-home-me-app')
            $i = 0
            $Stamps | ForEach-Object { $i++; ConvertTo-ClaudeLine -Id "b$i" -RequestId "rb$i" -InputTokens (1000 * $i) -OutputTokens 100 -Timestamp $_.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ') } |
                Set-Content -Path (Join-Path $p 's.jsonl')
        }
    }

    It 'starts a block at the hour of its first message, shows the gaps, and keeps five real hours across a daylight-saving change' {
        $folder = Join-Path $TestDrive 'dst'
        # Berlin leaves CET for CEST at 01:00 UTC on 2026-03-29: a block from 00:00 UTC runs 01:00 to 07:00 local time.
        $stamps = @('2026-03-29T00:20:00Z', '2026-03-29T02:50:00Z', '2026-03-29T04:59:00Z', '2026-03-29T05:00:00Z', '2026-03-29T13:10:00Z') | ForEach-Object { [datetime]::Parse($_, [cultureinfo]::InvariantCulture, 'AdjustToUniversal') }
        Write-Transcript -Folder $folder -Stamps $stamps
        $rows = @(Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -TimeZone 'Europe/Berlin' -Total:$false)
        @($rows | ForEach-Object { '{0} {1} {2}' -f $_.Block, $_.Messages, $_.TotalTokens }) | Should -Be @(
            '2026-03-29 01:00 3 6300'    # 00:20, 02:50 and 04:59 UTC: 1000+2000+3000 input, 3 x 100 output
            '2026-03-29 07:00 1 4100'    # 05:00 UTC is the first block's end: a new block
            '(gap 3h) 0 0'
            '2026-03-29 15:00 1 5100')
        $rows | Where-Object { -not $_.IsGap } | ForEach-Object { ($_.End - $_.Start) | Should -Be ([timespan]::FromHours(5)) }
        $rows[0].Start.Offset | Should -Be ([timespan]::FromHours(1))
        $rows[0].End.Offset | Should -Be ([timespan]::FromHours(2))
        $rows[0].TokensPerMinute | Should -Be ([math]::Round(6300 / 279, 2))   # over 4 h 39 min between first and last message
        ($rows | Where-Object IsActive) | Should -BeNullOrEmpty

        # -TokenLimit max is the largest past block; -BlockHours changes the window.
        $limited = @(Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -TokenLimit max -Total:$false | Where-Object { -not $_.IsGap })
        @($limited.TokenLimit | Sort-Object -Unique) | Should -Be 6300
        @($limited | ForEach-Object { '{0:0.0} {1}' -f $_.PercentOfLimit, $_.Status }) | Should -Be @('100.0 Warning', '65.1 Ok', '81.0 Warning')
        @(Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -BlockHours 1 -TimeZone UTC -Total:$false | Where-Object { -not $_.IsGap }).Block |
            Should -Be @('2026-03-29 00:00', '2026-03-29 02:00', '2026-03-29 04:00', '2026-03-29 05:00', '2026-03-29 13:00')
    }

    It 'projects the active block to its end at the burn rate so far' {
        $folder = Join-Path $TestDrive 'active'
        $now = [datetime]::UtcNow
        $hour = [datetime]::new($now.Year, $now.Month, $now.Day, $now.Hour, 0, 0, [DateTimeKind]::Utc)
        # Two messages in the current hour, ten minutes apart (the first at least a minute after the hour).
        $first = $hour.AddMinutes(1)
        $second = if ($now -gt $first.AddMinutes(10)) { $first.AddMinutes(10) } else { $first }
        Write-Transcript -Folder $folder -Stamps @($hour.AddHours(-20), $first, $second)
        $active = Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -TokenLimit 1000000 -Total:$false | Where-Object IsActive
        $active | Should -Not -BeNullOrEmpty
        $active.Start.UtcDateTime | Should -Be $hour
        ($active.Elapsed + $active.Remaining) | Should -Be ([timespan]::FromHours(5))
        if ($second -ne $first) {
            $tokens = 2100 + 3100
            $active.TokensPerMinute | Should -Be ([math]::Round($tokens / 10, 2))
            $expected = $tokens + [long][math]::Round([decimal]$active.TokensPerMinute * [decimal]$active.Remaining.TotalMinutes)
            [math]::Abs($active.ProjectedTokens - $expected) | Should -BeLessOrEqual 600   # the clock moves between the fold and this line
            $active.Status | Should -Be $(if ($active.PercentOfLimit -gt 100) { 'Exceeds' } elseif ($active.PercentOfLimit -ge 80) { 'Warning' } else { 'Ok' })
        }
        { Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -TokenLimit lots } | Should -Throw -ErrorId 'InvalidTokenLimit,TokUsage.Commands.MeasureTokenUsageCommand'
        { Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block, Day } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
        { Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Day -TokenLimit max } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
    }

    It 'cuts rolling 7-day windows per model family with -Weekly' {
        $folder = Join-Path $TestDrive 'weekly'
        $p = New-Item -ItemType Directory -Force -Path (Join-Path $folder '-home-me-app')
        $messages = @(
            @{ At = '2026-03-02T09:40:00Z'; Model = 'claude-opus-4-1-20250805' }
            @{ At = '2026-03-05T22:10:00Z'; Model = 'claude-sonnet-4-5-20250929' }
            @{ At = '2026-03-09T09:39:00Z'; Model = 'claude-opus-4-1-20250805' }    # 6 d 23 h 59 min after the window's 09:00 start
            @{ At = '2026-03-09T10:05:00Z'; Model = 'claude-opus-4-1-20250805' }    # after the window's end: a new one
            @{ At = '2026-03-20T08:00:00Z'; Model = 'claude-sonnet-4-5-20250929' }  # more than 7 days after sonnet's last
            @{ At = '2026-03-21T12:00:00Z'; Model = 'claude-opus-4-1-20250805' }
        )
        $i = 0
        $messages | ForEach-Object { $i++; ConvertTo-ClaudeLine -Id "w$i" -RequestId "rw$i" -InputTokens (100 * $i) -OutputTokens 1 -Model $_.Model -Timestamp $_.At } |
            Set-Content -Path (Join-Path $p 'w.jsonl')

        # Expected windows, per family: a window starts at the UTC hour of the first message past the previous window.
        $expected = foreach ($family in 'opus', 'sonnet') {
            $start = $null; $tokens = 0; $last = $null
            $j = 0
            foreach ($m in $messages) {
                $j++
                if ($m.Model -notmatch $family) { continue }
                $at = [datetime]::Parse($m.At, [cultureinfo]::InvariantCulture, 'AdjustToUniversal')
                if ($null -eq $start -or $at -ge $start.AddDays(7) -or ($at - $last) -gt [timespan]::FromDays(7)) {
                    if ($null -ne $start) { '{0} {1:yyyy-MM-dd HH:mm} {2}' -f $family, $start, $tokens }
                    $start = [datetime]::new($at.Year, $at.Month, $at.Day, $at.Hour, 0, 0, [DateTimeKind]::Utc); $tokens = 0
                }
                $tokens += 100 * $j + 1; $last = $at
            }
            '{0} {1:yyyy-MM-dd HH:mm} {2}' -f $family, $start, $tokens
        }
        $rows = @(Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -Weekly -TimeZone UTC -Total:$false | Where-Object { -not $_.IsGap })
        @($rows | ForEach-Object { '{0} {1} {2}' -f $_.Family, $_.Block, $_.TotalTokens }) | Should -Be $expected
        $rows | ForEach-Object { ($_.End - $_.Start) | Should -Be ([timespan]::FromDays(7)) }
        $lines = Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -Weekly -TimeZone UTC | Get-ViewLine -Width 120
        $lines[0] | Should -Match '^Family\s+Window\s+Total\s+Cost \(USD\)'
        { Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -By Block -Weekly -BlockHours 5 } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
        { Get-TokenUsage -Path $folder -NoStore | Measure-TokenUsage -Weekly } | Should -Throw -ErrorId 'InvalidGrouping,TokUsage.Commands.MeasureTokenUsageCommand'
    }
}

Describe 'Active time' {
    BeforeAll {
        # Sessions of one project, each a file of messages at the given UTC instants (written newest session first, so
        # the fold meets stretches out of time order).
        $script:sessions = [ordered]@{
            'a' = @('2026-03-28T21:00:00Z', '2026-03-28T21:02:00Z', '2026-03-28T21:05:00Z', '2026-03-28T21:20:00Z', '2026-03-28T21:22:30Z', '2026-03-28T22:58:00Z', '2026-03-28T23:01:00Z', '2026-03-28T23:03:30Z')
            'b' = @('2026-03-28T21:04:00Z', '2026-03-28T21:06:00Z', '2026-03-28T21:21:00Z', '2026-03-29T00:30:00Z', '2026-03-29T00:32:00Z', '2026-03-29T03:00:00Z')
            'c' = @('2026-03-28T21:05:30Z', '2026-03-30T08:00:00Z', '2026-03-30T08:02:59Z', '2026-04-01T09:00:00Z')
            'd' = @('2026-03-31T23:59:00Z')
        }
        $script:folder = Join-Path $TestDrive 'activity'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $script:folder '-home-me-app')
        $n = 0
        foreach ($name in @($script:sessions.Keys | Sort-Object -Descending)) {
            $script:sessions[$name] | ForEach-Object { $n++; ConvertTo-ClaudeLine -Id "m$n" -RequestId "r$n" -InputTokens 100 -OutputTokens 10 -Timestamp $_ -SessionId $name } |
                Set-Content -Path (Join-Path $project "$name.jsonl")
        }

        $script:instants = foreach ($name in $script:sessions.Keys) {
            foreach ($t in $script:sessions[$name]) { [pscustomobject]@{ Session = $name; At = [datetimeoffset]::Parse($t, [cultureinfo]::InvariantCulture) } }
        }

        # The expectation, computed here from the instants: stretches of messages at most $Gap apart.
        function Get-ActivityStretch {
            param([datetimeoffset[]] $At, [timespan] $Gap)
            $sorted = @($At | Sort-Object)
            $stretches = [System.Collections.Generic.List[object]]::new()
            $start = $sorted[0]; $end = $sorted[0]
            foreach ($t in $sorted | Select-Object -Skip 1) {
                if ($t - $end -le $Gap) { $end = $t } else { $stretches.Add(@($start, $end)); $start = $t; $end = $t }
            }
            $stretches.Add(@($start, $end))
            , $stretches
        }

        function Get-ExpectedActivity {
            param([object[]] $Instants, [timespan] $Gap, [string] $Zone)
            $all = Get-ActivityStretch -At $Instants.At -Gap $Gap
            $lengths = @($all | ForEach-Object { $_[1] - $_[0] })
            $days = @($Instants.At | ForEach-Object { [System.TimeZoneInfo]::ConvertTimeBySystemTimeZoneId($_, $Zone).Date } | Sort-Object -Unique)
            $streak = 0; $run = 0
            for ($i = 0; $i -lt $days.Count; $i++) {
                $run = if ($i -gt 0 -and $days[$i] -eq $days[$i - 1].AddDays(1)) { $run + 1 } else { 1 }
                $streak = [math]::Max($streak, $run)
            }
            # At each stretch start of any session, how many sessions have a stretch covering that instant.
            $perSession = @($Instants | Group-Object Session | ForEach-Object { , (Get-ActivityStretch -At $_.Group.At -Gap $Gap) })
            $concurrent = 0
            foreach ($stretches in $perSession) {
                foreach ($s in $stretches) {
                    $covering = @($perSession | Where-Object { @($_ | Where-Object { $_[0] -le $s[0] -and $s[0] -le $_[1] }).Count -gt 0 }).Count
                    $concurrent = [math]::Max($concurrent, $covering)
                }
            }
            [pscustomobject]@{
                ActiveTime = [timespan]::FromTicks(($lengths | Measure-Object -Property Ticks -Sum).Sum)
                LongestStretch = [timespan]::FromTicks(($lengths | Measure-Object -Property Ticks -Maximum).Maximum)
                ActiveDays = $days.Count
                LongestStreak = $streak
                MaxConcurrentSessions = $concurrent
            }
        }

        function Format-Activity {
            param($Row)
            '{0} {1} {2} {3} {4}' -f $Row.ActiveTime, $Row.LongestStretch, $Row.ActiveDays, $Row.LongestStreak, $Row.MaxConcurrentSessions
        }
    }

    It 'measures stretches, days, streaks and sessions at once per <Zone> day and in total' -ForEach @(
        @{ Zone = 'UTC' }
        @{ Zone = 'Europe/Berlin' }   # CET to CEST on 2026-03-29: the 22:58-23:03 UTC stretch falls on the 29th there
        @{ Zone = 'America/St_Johns' }   # -02:30 / -03:30, a zone whose offset is not whole hours
    ) {
        $gap = [timespan]::FromMinutes(3)
        $rows = @(Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -ActiveTime -TimeZone $Zone -Total)
        $byDay = $script:instants | Group-Object { [System.TimeZoneInfo]::ConvertTimeBySystemTimeZoneId($_.At, $Zone).ToString('yyyy-MM-dd') } | Sort-Object Name
        @($rows | Where-Object { -not $_.IsTotal } | ForEach-Object { $_.Period + ' ' + (Format-Activity $_) }) |
            Should -Be @($byDay | ForEach-Object { $_.Name + ' ' + (Format-Activity (Get-ExpectedActivity -Instants $_.Group -Gap $gap -Zone $Zone)) })
        Format-Activity $rows[-1] | Should -Be (Format-Activity (Get-ExpectedActivity -Instants $script:instants -Gap $gap -Zone $Zone))
    }

    It 'measures each session, follows -IdleGap, and shows the activity view' {
        $gap = [timespan]::FromMinutes(20)
        $rows = @(Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -By Session -IdleGap $gap -TimeZone UTC -Total:$false)
        @($rows | ForEach-Object { $_.SessionId + ' ' + (Format-Activity $_) }) |
            Should -Be @($rows.SessionId | ForEach-Object { $id = $_; $id + ' ' + (Format-Activity (Get-ExpectedActivity -Instants @($script:instants | Where-Object Session -EQ $id) -Gap $gap -Zone UTC)) })
        $total = Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -By Project -IdleGap $gap -Total:$false
        Format-Activity $total | Should -Be (Format-Activity (Get-ExpectedActivity -Instants $script:instants -Gap $gap -Zone UTC))

        $lines = Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -ActiveTime -TimeZone UTC -Total | Get-ViewLine -Width 120
        $lines[0] | Should -Match '^Group\s+Active\s+Longest\s+Days\s+Streak\s+At once\s+Sessions\s+Total\s+Cost \(USD\)'
        $lines[-1] | Should -Match '^Total\s+\d'

        # Without -ActiveTime nothing is measured; a gap outside 1 s to 1 day is refused.
        (Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -By Project -Total:$false).ActiveTime | Should -BeNullOrEmpty
        { Get-TokenUsage -Path $script:folder -NoStore | Measure-TokenUsage -IdleGap 5 } | Should -Throw -ErrorId 'InvalidIdleGap,TokUsage.Commands.MeasureTokenUsageCommand'
    }
}

Describe 'Codex CLI' {
    BeforeAll {
        $codex = Join-Path $TestDrive '.codex'
        $day = Join-Path $codex 'sessions/2026/05/01'
        New-Item -ItemType Directory -Path $day -Force | Out-Null
        $usage = '{{"input_tokens":{0},"cached_input_tokens":{1},"output_tokens":{2},"reasoning_output_tokens":{3},"total_tokens":{4}}}'
        $first = $usage -f 9000, 6000, 500, 200, 9500
        $second = $usage -f 20000, 15000, 900, 200, 20900
        $last2 = $usage -f 11000, 9000, 400, 0, 11400
        @(
            '{"timestamp":"2026-05-01T09:00:00Z","type":"session_meta","payload":{"id":"s1","cwd":"/home/me/app"}}'
            '{"timestamp":"2026-05-01T09:00:01Z","type":"turn_context","payload":{"model":"gpt-5-codex"}}'
            '{"timestamp":"2026-05-01T09:00:09Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":' + $first + ',"last_token_usage":' + $first + '}}}'
            '{"timestamp":"2026-05-01T09:00:10Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":' + $first + ',"last_token_usage":' + $first + '}}}'
            '{"timestamp":"2026-05-01T09:01:00Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":' + $second + ',"last_token_usage":' + $last2 + '}}}'
        ) | Set-Content -Path (Join-Path $day 'rollout-2026-05-01T09-00-00-s1.jsonl')
    }

    It 'counts a re-emitted snapshot once and keeps buckets disjoint' {
        $file = Get-TokenUsage -Path $codex -Client codex
        $file.Messages | Should -Be 2
        $file.InputTokens | Should -Be (3000 + 2000)
        $file.CacheReadTokens | Should -Be (6000 + 9000)
        $file.OutputTokens | Should -Be (300 + 400)
        $file.ReasoningTokens | Should -Be 200
        $file.TotalTokens | Should -Be 20900
        $file.Project | Should -Be '/home/me/app'
    }

    It 'lists its folders in Get-TokenUsageSource' {
        $env:CODEX_HOME = $codex
        try {
            $sources = Get-TokenUsageSource -Client codex
            ($sources | Where-Object Exists).Files | Should -Be 1
            $sources[0].Origin | Should -Be 'CODEX_HOME'
        }
        finally {
            Remove-Item Env:CODEX_HOME
        }
    }
}

Describe 'Pricing' {
    BeforeAll {
        $script:savedCache = $env:XDG_CACHE_HOME
        $env:XDG_CACHE_HOME = Join-Path $TestDrive 'cache'
    }

    AfterAll {
        $env:XDG_CACHE_HOME = $script:savedCache
    }

    It 'shows the table entry and per-million rates behind a logged name' {
        $price = Get-TokenPrice -Model 'anthropic/claude-sonnet-4.5'
        $price.Entry | Should -Be 'claude-sonnet-4-5'
        $price.Input | Should -Be 3
        $price.CacheWrite1h | Should -Be 6
        $price.LongContext[0].Above | Should -Be 200000
    }

    It 'reports an unknown model as ModelNotPriced and names the fix' {
        Get-TokenPrice -Model 'zeta-private-coder-1' -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotPriced,*'
        $missing[0].Exception.Message | Should -BeLike '*Update-TokenPrice*'
    }

    It 'prices a private model with -PriceOverride' {
        $projects = Join-Path $TestDrive 'priced'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 1000000 -OutputTokens 1000000 -Model 'zeta-private-coder-1' |
            Set-Content -Path (Join-Path $project 's1.jsonl')
        $file = Get-TokenUsage -Path $projects -PriceOverride @{ 'zeta-private-coder-1' = @{ Input = 2; Output = 8 } }
        $file.Cost | Should -Be 10
        $file.CostSource | Should -Be 'Calculated'
        $file.UnpricedModels | Should -BeNullOrEmpty
    }

    It 'stops with InvalidPriceOverride on a misspelt field' {
        { Get-TokenPrice -Model gpt-5 -PriceOverride @{ 'gpt-5' = @{ Inptu = 1 } } } | Should -Throw -ErrorId 'InvalidPriceOverride*'
    }

    It 'keeps the previous table when a refresh fails' {
        { Update-TokenPrice -Uri ('file:///' + (Join-Path $TestDrive 'no-such-file.json')) } | Should -Throw -ErrorId 'PriceDownloadFailed*'
        (Get-TokenPrice -Model claude-sonnet-4-5).Source | Should -BeLike '*embedded*'
    }
}

Describe 'SQLite agents' {
    It 'reports a file that is not a database as FileUnreadable and reads a real one per session' {
        $data = Join-Path $TestDrive 'opencode-data'
        New-Item -ItemType Directory -Force -Path (Join-Path $data 'broken') | Out-Null
        Set-Content -Path (Join-Path $data 'broken/opencode.db') -Value 'not a database'
        Get-TokenUsage -Path (Join-Path $data 'broken') -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'FileUnreadable,*'
        $failed[0].TargetObject | Should -Be (Join-Path $data 'broken/opencode.db')

        # The module has loaded Microsoft.Data.Sqlite and its engine: write a database the way OpenCode 1.2 does.
        $db = Join-Path $data 'opencode.db'
        $connection = Open-TestSqliteDatabase -Path $db
        try {
            $command = $connection.CreateCommand()
            $command.CommandText = @'
CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL);
INSERT INTO session VALUES ('ses_1', '/home/me/app'), ('ses_2', '/home/me/lib');
INSERT INTO message VALUES
 ('m1', 'ses_1', '{"role":"assistant","modelID":"claude-sonnet-4-5","cost":0,"time":{"created":1783000000000},"tokens":{"input":100,"output":50,"reasoning":0,"cache":{"read":1000,"write":0}}}'),
 ('m2', 'ses_2', '{"role":"assistant","modelID":"claude-sonnet-4-5","cost":0.5,"time":{"created":1783000060000},"tokens":{"input":10,"output":5,"reasoning":0,"cache":{"read":0,"write":0}}}'),
 ('m3', 'ses_2', '{"role":"user","time":{"created":1783000000000}}');
'@
            $command.ExecuteNonQuery() | Out-Null
        }
        finally {
            $connection.Dispose()
        }

        $sessions = Get-TokenUsage -Path $db
        $sessions.Count | Should -Be 2
        ($sessions | Where-Object SessionId -eq 'ses_1').TotalTokens | Should -Be 1150
        ($sessions | Where-Object SessionId -eq 'ses_2').CostSource | Should -Be 'Reported'
        ($sessions | Where-Object SessionId -eq 'ses_2').Project | Should -Be '/home/me/lib'
    }
}

Describe 'Per-file cache' {
    BeforeEach {
        $projects = Join-Path $TestDrive 'projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        $cache = Join-Path $TestDrive 'cache'
        $log = Join-Path $project 's1.jsonl'
        @(
            (ConvertTo-ClaudeLine -Id msg_1 -RequestId req_1 -InputTokens 10 -OutputTokens 1)
            (ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 20 -OutputTokens 2)
        ) | Set-Content -Path $log
    }

    It 'gives the same totals cold, warm, after an append and without cache' {
        (Get-TokenUsage -Path $projects -CachePath $cache).TotalTokens | Should -Be 33
        Join-Path $cache 'usage-cache.db' | Should -Exist
        $warm = Get-TokenUsage -Path $projects -CachePath $cache -Verbose 4>&1
        ($warm | Where-Object { $_ -is [TokUsage.UsageFile] }).TotalTokens | Should -Be 33
        $warm | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Cache *: 1 file(s) unchanged*' } | Should -Not -BeNullOrEmpty

        # The message streams on (more output) and a new one follows: read from the last complete line, merged once.
        @(
            (ConvertTo-ClaudeLine -Id msg_2 -RequestId req_2 -InputTokens 20 -OutputTokens 30)
            (ConvertTo-ClaudeLine -Id msg_3 -RequestId req_3 -InputTokens 5 -OutputTokens 5)
        ) | Add-Content -Path $log
        (Get-TokenUsage -Path $projects -CachePath $cache).TotalTokens | Should -Be 71
        (Get-TokenUsage -Path $projects -NoCache).TotalTokens | Should -Be 71
    }

    It 'is rebuilt when damaged' {
        New-Item -ItemType Directory -Force -Path $cache | Out-Null
        Set-Content -Path (Join-Path $cache 'usage-cache.db') -Value ('x' * 5000)
        (Get-TokenUsage -Path $projects -CachePath $cache -ErrorAction Stop).TotalTokens | Should -Be 33
        (Get-TokenUsage -Path $projects -CachePath $cache -ErrorAction Stop).TotalTokens | Should -Be 33
    }

    It 'is deleted by Clear-TokenUsageCache, which honours -WhatIf' {
        Get-TokenUsage -Path $projects -CachePath $cache | Out-Null
        Clear-TokenUsageCache -CachePath $cache -WhatIf
        Join-Path $cache 'usage-cache.db' | Should -Exist
        Clear-TokenUsageCache -CachePath $cache -Confirm:$false
        Join-Path $cache 'usage-cache.db' | Should -Not -Exist
    }

    It 'rejects a -CachePath that is a file' {
        { Get-TokenUsage -Path $projects -CachePath $log } | Should -Throw -ErrorId 'InvalidCachePath*'
    }
}
