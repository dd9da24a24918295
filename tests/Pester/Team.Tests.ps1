# The team database (issue 17), against a real PostgreSQL server (tests/postgres.sh; .ci/run starts it): several
# machines send their histories, copies of one synced folder and re-sends never count twice, a server killed mid-send
# loses nothing, and Get-TokenUsageReport gives the team's totals - checked to the token against what the generator
# wrote, and against Measure-TokenUsage of the same logs. Each run creates its own database and drops it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:pgScript = Join-Path $PSScriptRoot '../postgres.sh'
    $script:port = Get-TestServerPort
    $script:database = 'tokusage_spec_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $script:cs = "Host=127.0.0.1;Port=$port;Username=postgres;Database=$database"

    function Invoke-Sql {
        param([string] $Sql, [string] $Database = $script:database)
        Invoke-TestSql $Sql -Database $Database
    }

    function Initialize-TeamDatabase {
        Initialize-TestDatabase -Name $script:database | Out-Null
    }

    # Expected totals of generator messages: tokens, messages and cost (USD at the published rates of TestHelpers).
    function Get-Expected {
        param([object[]] $Messages)
        [pscustomobject]@{
            Tokens   = [long](($Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum)
            Messages = $Messages.Count
            Cost     = [decimal](Get-ExpectedCost $Messages)
        }
    }

    # A long Claude Code history written fast (one line per message from a template), with its messages for the
    # expectations: $Sessions transcripts of $PerSession turns each.
    function Build-LongClaudeHome {
        param([string] $Root, [int] $Sessions, [int] $PerSession, [string] $Tag)
        $projects = Join-Path $Root '.claude/projects'
        $folder = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-big')
        $start = [datetime]::new(2026, 6, 1, 8, 0, 0, [DateTimeKind]::Utc)
        $messages = [System.Collections.Generic.List[object]]::new()
        $template = '{{"isSidechain":false,"type":"assistant","timestamp":"{0}","requestId":"req_{1}","cwd":"/home/me/big","sessionId":"{2}","message":{{"id":"msg_{1}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"ok"}}],"usage":{{"input_tokens":{3},"output_tokens":{4},"cache_read_input_tokens":{5},"cache_creation_input_tokens":{6}}}}}}}'
        foreach ($s in 1..$Sessions) {
            $session = "big-$Tag-$s"
            $lines = [string[]]::new($PerSession)
            foreach ($t in 0..($PerSession - 1)) {
                $n = $s * 100000 + $t
                $m = [pscustomobject]@{ Model = 'claude-sonnet-4-5-20250929'; Input = 10 + $t; Output = 5 + ($t % 7); CacheRead = 1000 + $s; CacheWrite = $t % 3 }
                $messages.Add($m)
                $stamp = $start.AddMinutes($s * 30 + $t * 0.05).ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
                $lines[$t] = $template -f $stamp, "$Tag$n", $session, $m.Input, $m.Output, $m.CacheRead, $m.CacheWrite
            }
            [IO.File]::WriteAllLines((Join-Path $folder "$session.jsonl"), $lines)
        }
        [pscustomobject]@{ Projects = $projects; Messages = $messages.ToArray() }
    }

    # Three machines: alice's laptop and desktop (which also syncs the laptop's Claude folder), and bob's laptop.
    $script:root = Join-Path $TestDrive 'machines'
    $script:laptop = Build-ClaudeHome -Root (Join-Path $root 'laptop') -Days 3 -Tag 'lap'
    $script:desktop = Build-ClaudeHome -Root (Join-Path $root 'desktop') -Days 2 -Tag 'desk' -Start ([datetime]::new(2026, 5, 2, 0, 0, 0, [DateTimeKind]::Utc))
    $script:bob = Build-ClaudeHome -Root (Join-Path $root 'bob') -Days 4 -Tag 'bob' -Start ([datetime]::new(2026, 4, 29, 0, 0, 0, [DateTimeKind]::Utc))
    $script:synced = Join-Path $root 'desktop/sync/laptop-claude'
    Copy-Item -Recurse -Path $laptop.Projects -Destination $synced
}

AfterAll {
    if ($script:database) {
        Invoke-Sql "DROP DATABASE IF EXISTS $script:database WITH (FORCE)" -Database postgres | Out-Null
    }
}

Describe 'Send-TokenUsage and Get-TokenUsageReport' {
    BeforeEach {
        Initialize-TeamDatabase
    }

    It 'stores every machine''s messages once, whatever is sent twice, and reports team totals to the token' {
        $first = Get-TokenUsage -Path $laptop.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -Machine laptop -User alice
        $first.Sent | Should -Be 24
        $first.Added | Should -Be 24

        # The desktop sends its own history and the synced copy of the laptop's: the copies are not stored again.
        $second = Get-TokenUsage -Path $desktop.Projects, $synced -NoStore | Send-TokenUsage -ConnectionString $cs -Machine desktop -User alice
        $second.Sent | Should -Be (16 + 24)
        $second.Added | Should -Be 16
        $second.AlreadyStored | Should -Be 24

        $third = Get-TokenUsage -Path $bob.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -Machine bobs-laptop -User bob
        $third.Added | Should -Be 32
        $again = Get-TokenUsage -Path $bob.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -Machine bobs-laptop -User bob
        $again.Added | Should -Be 0
        $again.StoredMessages | Should -Be (24 + 16 + 32)
        Invoke-Sql 'SELECT count(*) FROM tokusage_message' | Should -Be 72

        $all = @($laptop.Messages) + @($desktop.Messages) + @($bob.Messages)
        $expectedMachines = foreach ($m in @(('bobs-laptop', $bob), ('desktop', $desktop), ('laptop', $laptop))) {
            $e = Get-Expected $m[1].Messages
            '{0} {1} {2} {3}' -f $m[0], $e.Tokens, $e.Messages, $e.Cost.ToString('0.########')
        }
        $byMachine = Get-TokenUsageReport -ConnectionString $cs -By Machine -Total:$false
        @($byMachine | ForEach-Object { '{0} {1} {2} {3}' -f $_.Name, $_.TotalTokens, $_.Messages, $_.Cost.ToString('0.########') }) | Should -Be $expectedMachines

        $byUser = Get-TokenUsageReport -ConnectionString $cs -By User -Total:$false
        @($byUser.Name) | Should -Be @('alice', 'bob')
        $byUser[0].TotalTokens | Should -Be (Get-Expected (@($laptop.Messages) + @($desktop.Messages))).Tokens
        $byUser[1].Sessions | Should -Be 8

        $total = Get-TokenUsageReport -ConnectionString $cs -By Day -TimeZone UTC -Total | Where-Object IsTotal
        $expected = Get-Expected $all
        $total.TotalTokens | Should -Be $expected.Tokens
        $total.Messages | Should -Be 72
        $total.Cost | Should -Be $expected.Cost

        $days = Get-TokenUsageReport -ConnectionString $cs -By Day -TimeZone UTC -Total:$false
        $expectedDays = $all | Group-Object Day | Sort-Object Name | ForEach-Object { '{0} {1} {2}' -f $_.Name, (Get-Expected $_.Group).Tokens, $_.Count }
        @($days | ForEach-Object { '{0} {1} {2}' -f $_.Period, $_.TotalTokens, $_.Messages }) | Should -Be $expectedDays
    }

    It 'gives the rows, views and costs Measure-TokenUsage gives for the same logs, long-context requests included' {
        # Scale 100 puts a session's first request below Sonnet 4.5's 200k-token long-context threshold and the next ones
        # above it: one session, day and model holds requests of both tiers.
        $big = Build-ClaudeHome -Root (Join-Path $TestDrive 'big') -Days 3 -Tag 'big' -Scale 100 -Models 'claude-sonnet-4-5-20250929'
        Get-TokenUsage -Path $laptop.Projects, $big.Projects -NoStore | Send-TokenUsage -ConnectionString $cs | Out-Null
        $local = @(Get-TokenUsage -Path $laptop.Projects, $big.Projects -NoStore)
        foreach ($by in 'Day', 'Week', 'Month', 'Hour', 'Project', 'Model', 'Client', 'User', 'Machine') {
            $fields = { '{0}|{1}|{2}|{3}|{4}|{5}|{6}|{7}|{8}' -f $_.PSObject.Properties[$(if ($_.PSObject.Properties['Period']) { 'Period' } else { 'Name' })].Value, $_.TotalTokens, $_.InputTokens, $_.CacheReadTokens, $_.Messages, $_.Sessions, $_.Cost.ToString('0.##########'), ($_.Models -join ','), $_.CostSource }
            $expected = @($local | Measure-TokenUsage -By $by -TimeZone 'Europe/Berlin' -Total | ForEach-Object $fields)
            $actual = @(Get-TokenUsageReport -ConnectionString $cs -By $by -TimeZone 'Europe/Berlin' -Total | ForEach-Object $fields)
            $actual | Should -Be $expected -Because "-By $by sums the same messages"
        }

        # The same view: the first lines of the default table are identical.
        $measured = $local | Measure-TokenUsage -By Model -Total | Get-ViewLine -Width 120
        Get-TokenUsageReport -ConnectionString $cs -By Model -Total | Get-ViewLine -Width 120 | Should -Be $measured

        # -PriceOverride applies to the stored tokens.
        $cheap = Get-TokenUsageReport -ConnectionString $cs -By Model -Total:$false -PriceOverride @{ 'claude-opus-4-1-20250805' = @{ Input = 0; Output = 0; CacheRead = 0; CacheWrite5m = 0; CacheWrite1h = 0 } }
        ($cheap | Where-Object Name -EQ 'claude-opus-4-1-20250805').Cost | Should -Be 0
        ($cheap | Where-Object Name -EQ 'claude-sonnet-4-5-20250929').Cost | Should -BeGreaterThan 0
    }

    It 'splits rows by several keys, each key a property of its own' {
        Get-TokenUsage -Path $laptop.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -Machine laptop -User alice | Out-Null
        Get-TokenUsage -Path $bob.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -Machine bobs-laptop -User bob | Out-Null
        $rows = @(Get-TokenUsageReport -ConnectionString $cs -By Month, User -TimeZone UTC -Total:$false)
        @($rows | ForEach-Object { '{0} {1} {2}' -f $_.Period, $_.User, $_.Messages }) | Should -Be @('2026-04 bob 16', '2026-05 alice 24', '2026-05 bob 16')
        $rows[1].TotalTokens | Should -Be (Get-Expected $laptop.Messages).Tokens
        $csv = $rows | ConvertTo-Csv
        $csv[0] | Should -Match '"User"'
        $csv[0] | Should -Match '"Period"'

        $lines = Get-TokenUsageReport -ConnectionString $cs -By Project, Machine -TimeZone UTC -Total | Get-ViewLine -Width 120
        $lines[0] | Should -Match '^Group\s+Total\s+Cost \(USD\)\s+Messages'
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^/home/me/app \| bobs-laptop\s' })
        $lines[-1] | Should -Match '^Total\s'
    }

    It 'keeps a machine''s stored history: what Save-TokenUsage kept is sent when the logs are gone' {
        $store = Join-Path $TestDrive 'store/usage.db'
        Get-TokenUsage -Path $desktop.Projects -StorePath $store | Save-TokenUsage -StorePath $store | Out-Null
        Get-ChildItem -Recurse -Filter '*.jsonl' $desktop.Projects | Where-Object BaseName -Match '-0$' | Remove-Item
        $sent = Get-TokenUsage -Path $desktop.Projects -StorePath $store | Send-TokenUsage -ConnectionString $cs
        $sent.Added | Should -Be 16
        (Get-TokenUsageReport -ConnectionString $cs -By Client -Total:$false).TotalTokens | Should -Be (Get-Expected $desktop.Messages).Tokens
    }

    It 'a server killed mid-send: the error says how much was stored; the next run sends the rest, nothing lost or doubled' {
        $long = Build-LongClaudeHome -Root (Join-Path $TestDrive 'long') -Sessions 20 -PerSession 1000 -Tag 'long'
        $manifest = $script:ModuleManifest
        $projects = $long.Projects
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:manifest
            try {
                Get-TokenUsage -Path $using:projects -NoStore | Send-TokenUsage -ConnectionString $using:cs -BatchSize 25 -ThrottleLimit 2 -ErrorAction Stop | Out-Null
                [pscustomobject]@{ ErrorId = $null; Message = 'finished' }
            }
            catch {
                [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message }
            }
        }
        # Kill the server once part of the history is in.
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        do {
            Start-Sleep -Milliseconds 50
            $count = [long](Invoke-Sql "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'tokusage_message'")
            $rows = if ($count -gt 0) { [long](Invoke-Sql 'SELECT count(*) FROM tokusage_message') } else { 0 }
        } while ($rows -lt 2000 -and [datetime]::UtcNow -lt $deadline)
        bash $pgScript kill
        try {
            $outcome = $job | Wait-Job -Timeout 120 | Receive-Job
        }
        finally {
            bash $pgScript start | Out-Null
        }

        $outcome.ErrorId | Should -Match '^TeamSendFailed,'
        $outcome.Message | Should -Match 'failed after (\d+) message\(s\)'
        $storedBefore = [long](Invoke-Sql 'SELECT count(*) FROM tokusage_message')
        $storedBefore | Should -BeGreaterOrEqual 2000
        $storedBefore | Should -BeLessThan 20000
        [long]([regex]::Match($outcome.Message, 'failed after (\d+) message').Groups[1].Value) | Should -BeLessOrEqual $storedBefore

        $rest = Get-TokenUsage -Path $long.Projects -NoStore | Send-TokenUsage -ConnectionString $cs
        $rest.Added | Should -Be (20000 - $storedBefore)
        $rest.StoredMessages | Should -Be 20000
        $expected = Get-Expected $long.Messages
        $report = Get-TokenUsageReport -ConnectionString $cs -By Client -Total:$false
        $report.TotalTokens | Should -Be $expected.Tokens
        $report.Messages | Should -Be 20000
        $report.Cost | Should -Be $expected.Cost
    }

    It 'bounds the bytes in flight' {
        $long = Build-LongClaudeHome -Root (Join-Path $TestDrive 'bounded') -Sessions 4 -PerSession 1000 -Tag 'bound'
        $sent = Get-TokenUsage -Path $long.Projects -NoStore | Send-TokenUsage -ConnectionString $cs -BatchSize 100000 -BatchBytes 16KB -MaxInFlightBytes 64KB -ThrottleLimit 4
        $sent.Added | Should -Be 4000
        $sent.Batches | Should -BeGreaterThan 40 -Because 'batches close at 16 KB, not at the message count'
        $sent.PeakInFlightBytes | Should -BeLessOrEqual (64KB + 1KB)
        $sent.PeakInFlightBytes | Should -BeGreaterThan 16KB -Because 'several batches are in flight at once'
    }
}

Describe 'Team database faults and parameters' {
    BeforeEach {
        Initialize-TeamDatabase
    }

    It 'refuses a schema written by a newer TokUsage and leaves it as it is' {
        Send-TokenUsage -ConnectionString $cs -Initialize | Out-Null
        Invoke-Sql 'UPDATE tokusage_schema SET version = 99' | Out-Null
        { Get-TokenUsage -Path $laptop.Projects -NoStore | Send-TokenUsage -ConnectionString $cs } | Should -Throw -ErrorId 'TeamSchemaTooNew,TokUsage.Commands.SendTokenUsageCommand'
        { Get-TokenUsageReport -ConnectionString $cs } | Should -Throw -ErrorId 'TeamSchemaTooNew,TokUsage.Commands.GetTokenUsageReportCommand'
        Invoke-Sql 'SELECT count(*) FROM tokusage_message' | Should -Be 0
        Invoke-Sql 'SELECT version FROM tokusage_schema' | Should -Be 99
    }

    It 'a report before anything was sent says so' {
        { Get-TokenUsageReport -ConnectionString $cs } | Should -Throw -ErrorId 'TeamSchemaMissing,TokUsage.Commands.GetTokenUsageReportCommand'
        Send-TokenUsage -ConnectionString $cs -Initialize | Out-Null
        @(Get-TokenUsageReport -ConnectionString $cs).Count | Should -Be 0
    }

    It 'takes the connection string from TOKUSAGE_TEAM_DATABASE and the password from -Credential, and never shows it' {
        $saved = $env:TOKUSAGE_TEAM_DATABASE
        try {
            $env:TOKUSAGE_TEAM_DATABASE = $cs
            (Get-TokenUsage -Path $bob.Projects -NoStore | Send-TokenUsage).Added | Should -Be 32
            (Get-TokenUsageReport -By Client -Total:$false).Messages | Should -Be 32
            Remove-Item Env:TOKUSAGE_TEAM_DATABASE
            { Get-TokenUsageReport } | Should -Throw -ErrorId 'ConnectionStringMissing,TokUsage.Commands.GetTokenUsageReportCommand'
        }
        finally {
            $env:TOKUSAGE_TEAM_DATABASE = $saved
        }

        $secret = [securestring]::new()
        'S3cr3t-pa55'.ToCharArray() | ForEach-Object { $secret.AppendChar($_) }
        $credential = [pscredential]::new('postgres', $secret)
        (Get-TokenUsageReport -ConnectionString $cs -Credential $credential -By Client -Total:$false).Messages | Should -Be 32

        # Nothing listens on port 9: the error names the database, not the credentials.
        $err = $null
        try { Get-TokenUsageReport -ConnectionString "Host=127.0.0.1;Port=9;Database=team;Username=me;Password=S3cr3t-pa55;Timeout=3" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'TeamDatabaseUnreachable,TokUsage.Commands.GetTokenUsageReportCommand'
        $err.Exception.Message | Should -Match 'team on 127.0.0.1:9'
        ($err | Out-String) + $err.Exception.ToString() + ($err.TargetObject | Out-String) | Should -Not -Match 'S3cr3t'

        { Get-TokenUsageReport -ConnectionString 'Host=127.0.0.1;Bogus Key=1' } | Should -Throw -ErrorId 'InvalidConnectionString,TokUsage.Commands.GetTokenUsageReportCommand'
        { Get-TokenUsageReport -ConnectionString $cs -By Session } | Should -Throw -ErrorId 'InvalidReportGrouping,TokUsage.Commands.GetTokenUsageReportCommand'
        { Get-TokenUsageReport -ConnectionString $cs -By Day, Day } | Should -Throw -ErrorId 'InvalidReportGrouping,TokUsage.Commands.GetTokenUsageReportCommand'
    }

    It 'refuses objects without dedup keys, and counts the rest' {
        $objects = @(Get-TokenUsage -Path $laptop.Projects -NoStore)
        $copies = $objects | ConvertTo-Csv | ConvertFrom-Csv
        $result = @($copies) + @($objects) | Send-TokenUsage -ConnectionString $cs -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be $copies.Count
        $bad[0].FullyQualifiedErrorId | Should -Be 'InvalidInputObject,TokUsage.Commands.SendTokenUsageCommand'
        $result.Added | Should -Be 24
    }
}
