# Scheduled saves (issue 16): on Linux, Register-TokenUsageSchedule installs a real crontab entry, which is listed, run
# exactly as cron would run it, and removed; the launchd plist and the Task Scheduler task are checked as generated
# files against their document types. The user's own crontab is put back as it was after the spec.

BeforeDiscovery {
    # CI installs cron (.ci/run); elsewhere on Linux without it the cron specs are skipped, which fails the build's run.
    $hasCron = $IsLinux -and [bool](Get-Command crontab -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:module = Get-Module TokUsage

    # What cron runs for a crontab line: the text after the five timing fields, `\%` turned back into `%`, through sh.
    function Invoke-CronCommand {
        param([string] $Line)
        $command = ($Line -replace '^(\S+\s+){5}', '').Replace('\%', '%')
        & sh -c $command
        $LASTEXITCODE
    }

    # This spec's crontab lines (its jobs are all named spec*).
    function Get-TaggedLine { @(crontab -l 2>$null | Where-Object { $_ -like '*# TokUsage schedule: spec*' }) }

    # Validates XML text against a DTD or XSD in Schemas/; returns the problems (none when valid).
    function Test-XmlDocument {
        param([string] $Text, [string] $Dtd, [string] $Xsd)
        $problems = [System.Collections.Generic.List[string]]::new()
        $settings = [System.Xml.XmlReaderSettings]::new()
        if ($Dtd) {
            $settings.DtdProcessing = 'Parse'
            $settings.ValidationType = 'DTD'
            # The document must name Apple's DTD by its public id; the local grammar stands in for it (no network) as
            # the document's internal subset.
            $doctype = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">'
            if (-not $Text.Contains($doctype)) { $problems.Add('the document does not declare the PLIST 1.0 document type') }
            $grammar = Get-Content -Raw (Join-Path $PSScriptRoot "Schemas/$Dtd")
            $Text = $Text.Replace($doctype, "<!DOCTYPE plist [`n$grammar`n]>")
        }
        else {
            $settings.ValidationType = 'Schema'
            $null = $settings.Schemas.Add('http://schemas.microsoft.com/windows/2004/02/mit/task', (Join-Path $PSScriptRoot "Schemas/$Xsd"))
        }
        $settings.add_ValidationEventHandler({ $problems.Add($args[1].Message) })
        $reader = [System.Xml.XmlReader]::Create([IO.StringReader]::new($Text), $settings)
        try { while ($reader.Read()) { } } catch { $problems.Add($_.Exception.Message) } finally { $reader.Dispose() }
        $problems
    }
}

Describe 'A daily save with cron' -Skip:(-not $hasCron) {
    BeforeAll {
        $script:savedCrontab = @(crontab -l 2>$null)
        $script:hadCrontab = $LASTEXITCODE -eq 0
        $script:root = Join-Path $TestDrive 'cron'
        $script:claude = Build-ClaudeHome -Root $root -Days 3
        $script:store = Join-Path $root 'store/usage.db'
        $script:csv = Join-Path $root 'reports/daily usage.csv'
        $script:hook = Join-Path $root 'hook.txt'
        $script:previousConfig = $env:CLAUDE_CONFIG_DIR
        $env:CLAUDE_CONFIG_DIR = Join-Path $root '.claude'
    }

    AfterAll {
        $env:CLAUDE_CONFIG_DIR = $script:previousConfig
        if ($script:hadCrontab) { $script:savedCrontab | crontab - } else { crontab -r 2>$null }
    }

    It 'registers one job, however often it is registered, and -WhatIf registers none' {
        Register-TokenUsageSchedule -Name spec -StorePath $store -WhatIf | Should -BeNullOrEmpty
        Get-TaggedLine | Should -BeNullOrEmpty

        $hookPath = $hook
        $job = Register-TokenUsageSchedule -Name spec -StorePath $store -ExportPath $csv -At '04:10' -ScriptBlock ([scriptblock]::Create("param(`$Saved) 'added ' + `$Saved.Added | Set-Content -LiteralPath '$hookPath'"))
        $job.Scheduler | Should -Be 'Cron'
        $job.Schedule | Should -Be 'daily at 04:10'
        Register-TokenUsageSchedule -Name spec -StorePath $store -ExportPath $csv -At '04:10' -ScriptBlock ([scriptblock]::Create("param(`$Saved) 'added ' + `$Saved.Added | Set-Content -LiteralPath '$hookPath'")) | Out-Null
        $lines = @(Get-TaggedLine)
        $lines.Count | Should -Be 1
        $lines[0] | Should -BeLike '10 4 * * * *# TokUsage schedule: spec'
        if ($script:hadCrontab) { @(crontab -l | Where-Object { $_ -notlike '*# TokUsage schedule: spec*' }) | Should -Be $script:savedCrontab -Because "the user's own entries stay" }

        $listed = @(Get-TokenUsageSchedule -Name spec)
        $listed.Count | Should -Be 1
        $listed[0].Schedule | Should -Be 'daily at 04:10'
        $listed[0].LastResult | Should -BeNullOrEmpty
    }

    It 'runs the registered command: saves, exports, runs the script block, logs OK and exits 0' {
        $line = @(Get-TaggedLine)[0]
        Invoke-CronCommand $line | Should -Be 0
        (Get-Content $hook) | Should -Be 'added 24'
        (@() | Save-TokenUsage -StorePath $store).StoredMessages | Should -Be 24
        @(Import-Csv -LiteralPath $csv).Count | Should -Be 3 -Because 'one row per day (no total row: the rows are piped on)'
        $job = Get-TokenUsageSchedule -Name spec
        $job.LastResult | Should -Be 'OK'
        $job.LastRun | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-5))
        (Get-Content $job.LogPath | Where-Object { $_ -match '^\S+Z (OK|FAILED) ' } | Select-Object -Last 1) | Should -BeLike '*OK saved 24 new message(s); the store holds 24'

        # The logs go; the job's next run keeps the history and its report whole.
        Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Remove-Item
        Invoke-CronCommand $line | Should -Be 0
        (Get-Content $hook) | Should -Be 'added 0'
        ((Import-Csv -LiteralPath $csv) | Measure-Object TotalTokens -Sum).Sum | Should -Be (($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum)
    }

    It 'exits 1 and logs why when the run fails' {
        Register-TokenUsageSchedule -Name spec-failing -StorePath $store -ScriptBlock { throw 'over budget today' } | Out-Null
        $line = Get-TaggedLine | Where-Object { $_ -like '*: spec-failing' }
        Invoke-CronCommand $line | Should -Be 1
        $job = Get-TokenUsageSchedule -Name spec-failing
        $job.LastResult | Should -Be 'FAILED'
        # The job's own line (stderr, appended to the same log by the crontab line, follows it).
        (Get-Content $job.LogPath | Where-Object { $_ -match '^\S+Z (OK|FAILED) ' } | Select-Object -Last 1) | Should -BeLike '*FAILED over budget today*'
    }

    It 'removes the job and its script, and says when there is none' {
        $job = Get-TokenUsageSchedule -Name spec
        Test-Path $job.ScriptPath | Should -BeTrue
        Get-TokenUsageSchedule -Name spec* | Unregister-TokenUsageSchedule
        Get-TaggedLine | Should -BeNullOrEmpty
        Test-Path $job.ScriptPath | Should -BeFalse
        Test-Path $job.LogPath | Should -BeTrue -Because 'the log stays'
        Unregister-TokenUsageSchedule -Name spec -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ScheduleNotFound*'
    }

    It 'refuses an interval cron cannot keep' {
        { Register-TokenUsageSchedule -Name spec -Interval '01:30:00' } | Should -Throw -ErrorId 'InvalidInterval*'
        Get-TaggedLine | Should -BeNullOrEmpty
    }
}

Describe 'Definitions for the other schedulers' {
    BeforeAll {
        $script:command = @('/usr/local/bin/pwsh', '-NoProfile', '-NonInteractive', '-File', '/Users/me/Library/Application Support/TokUsage/schedules/a & b.ps1')
    }

    It 'writes a launchd plist that is a valid property list: <Case>' -ForEach @(
        @{ Case = 'daily'; Interval = '1.00:00:00'; Key = 'StartCalendarInterval' }
        @{ Case = 'hourly'; Interval = '01:00:00'; Key = 'StartInterval' }
    ) {
        $timing = & $module { param($i) Get-TokUsageScheduleTiming -Interval $i -At ([datetime]'2026-12-07 02:30') } ([TimeSpan]$Interval)
        $plist = & $module { param($c, $t) Build-TokUsageLaunchdPlist -Name 'nightly' -Command $c -Timing $t -LogPath '/Users/me/log <1>.txt' } $command $timing
        Test-XmlDocument -Text $plist -Dtd 'plist.dtd' | Should -BeNullOrEmpty
        $xml = [xml]$plist
        $keys = @($xml.plist.dict.key)
        $keys | Should -Contain 'Label'
        $keys | Should -Contain $Key
        $xml.plist.dict.string[0] | Should -Be 'com.tokusage.nightly'
        @($xml.plist.dict.array.string) | Should -Be $command
        if ($Case -eq 'daily') { @($xml.plist.dict.dict.integer) | Should -Be @('2', '30') } else { $xml.plist.dict.integer | Should -Be '3600' }
    }

    It 'writes a Task Scheduler task that follows the task schema: <Case>' -ForEach @(
        @{ Case = 'daily'; Interval = '1.00:00:00' }
        @{ Case = 'every 15 minutes'; Interval = '00:15:00' }
    ) {
        $timing = & $module { param($i) Get-TokUsageScheduleTiming -Interval $i -At ([datetime]'2026-12-07 02:30') } ([TimeSpan]$Interval)
        $windows = @('C:\Program Files\PowerShell\7\pwsh.exe', '-NoProfile', '-NonInteractive', '-File', 'C:\Users\me\AppData\Local\TokUsage\schedules\a & b.ps1')
        $task = & $module { param($c, $t) Build-TokUsageTaskXml -Name 'nightly' -Command $c -Timing $t } $windows $timing
        Test-XmlDocument -Text $task -Xsd 'task.xsd' | Should -BeNullOrEmpty
        $ns = @{ t = 'http://schemas.microsoft.com/windows/2004/02/mit/task' }
        (Select-Xml -Content $task -XPath '/t:Task/t:RegistrationInfo/t:URI' -Namespace $ns).Node.InnerText | Should -Be '\TokUsage\nightly'
        (Select-Xml -Content $task -XPath '//t:Exec/t:Command' -Namespace $ns).Node.InnerText | Should -Be $windows[0]
        (Select-Xml -Content $task -XPath '//t:Exec/t:Arguments' -Namespace $ns).Node.InnerText | Should -Be '-NoProfile -NonInteractive -File "C:\Users\me\AppData\Local\TokUsage\schedules\a & b.ps1"'
        if ($Case -eq 'daily') {
            (Select-Xml -Content $task -XPath '//t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval' -Namespace $ns).Node.InnerText | Should -Be '1'
            (Select-Xml -Content $task -XPath '//t:CalendarTrigger/t:StartBoundary' -Namespace $ns).Node.InnerText | Should -BeLike '*T02:30:00'
        }
        else {
            (Select-Xml -Content $task -XPath '//t:TimeTrigger/t:Repetition/t:Interval' -Namespace $ns).Node.InnerText | Should -Be 'PT900S'
        }
    }

    It 'finds a definition that breaks the schema' {
        # The validation can fail: a task without its required version and with an unknown policy value.
        $timing = & $module { Get-TokUsageScheduleTiming -Interval ([TimeSpan]::FromDays(1)) -At ([datetime]'2026-12-07 02:30') }
        $task = (& $module { param($t) Build-TokUsageTaskXml -Name 'x' -Command @('pwsh') -Timing $t } $timing).Replace('IgnoreNew', 'Sometimes').Replace(' version="1.2"', '')
        @(Test-XmlDocument -Text $task -Xsd 'task.xsd').Count | Should -BeGreaterThan 0
        $plist = (& $module { param($t) Build-TokUsageLaunchdPlist -Name 'x' -Command @('pwsh') -Timing $t -LogPath '/tmp/l' } $timing).Replace('<key>RunAtLoad</key>', '')
        @(Test-XmlDocument -Text $plist -Dtd 'plist.dtd').Count | Should -BeGreaterThan 0
    }
}
