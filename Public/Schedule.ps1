# Scheduled saves (issue 16): a job that runs Get-TokenUsage | Save-TokenUsage every day (or -Interval), so history is
# kept before the agents delete their logs. One job per name, registered with the OS's own scheduler: cron on Linux,
# launchd on macOS, Task Scheduler on Windows. The job runs a script this file writes beside the usage store; the script
# logs each run (one line) and exits 1 when it fails. The definitions are built by the Build-TokUsage* functions below
# (not exported) so they can be checked without registering anything.

# The tag that marks this module's lines in a crontab, and the prefix of its launchd labels and Task Scheduler folder.
$script:ScheduleTag = 'TokUsage schedule'
$script:LaunchdPrefix = 'com.tokusage.'
$script:TaskFolder = '\TokUsage\'

function Get-TokUsageSchedulerKind {
    # The scheduler of this OS (Windows PowerShell 5.1 has no $IsLinux: it only runs on Windows).
    if ($IsLinux) { return 'Cron' }
    if ($IsMacOS) { return 'Launchd' }
    return 'TaskScheduler'
}

function Get-TokUsageScheduleFolder {
    # Job scripts and logs live beside the default usage store, in the user's TokUsage data folder.
    Join-Path (Split-Path -Parent ([TokUsage.Commands.ModuleFolders]::DefaultStorePath())) 'schedules'
}

function ConvertTo-TokUsagePsLiteral {
    param([string] $Text)
    "'" + $Text.Replace("'", "''") + "'"
}

function ConvertTo-TokUsageShellWord {
    # One POSIX shell word, single-quoted; in a crontab `%` would end the command, so it is escaped.
    param([string] $Text)
    ("'" + $Text.Replace("'", "'\''") + "'").Replace('%', '\%')
}

function Get-TokUsagePwshCommand {
    # The PowerShell running this module, as a command line: pwsh (or powershell.exe), or `dotnet <PSHOME>/pwsh.dll`
    # when it runs as a .NET tool (`dotnet pwsh`), whose process is dotnet.
    $exe = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        return @($exe, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($exe)
}

function Get-TokUsageScheduleTiming {
    # Checks -Interval and -At and says how each scheduler expresses them. Cron can repeat only by minutes that divide an
    # hour, hours that divide a day, or daily; the other schedulers follow the same rule so a schedule means one thing.
    param([TimeSpan] $Interval, [DateTime] $At)
    $minute = $At.Minute
    $hour = $At.Hour
    if ($Interval -eq [TimeSpan]::FromDays(1)) {
        return [pscustomobject]@{ Cron = "$minute $hour * * *"; Seconds = 86400; Daily = $true; Hour = $hour; Minute = $minute; Text = ('daily at {0:HH:mm}' -f $At) }
    }
    if ($Interval.TotalMinutes -ge 60 -and $Interval.TotalHours -lt 24 -and $Interval.Ticks % [TimeSpan]::TicksPerHour -eq 0 -and 24 % $Interval.TotalHours -eq 0) {
        $hours = [int]$Interval.TotalHours
        return [pscustomobject]@{ Cron = "$minute */$hours * * *"; Seconds = $hours * 3600; Daily = $false; Hour = $hour; Minute = $minute; Text = "every $hours hour(s) at minute $minute" }
    }
    if ($Interval.TotalMinutes -ge 5 -and $Interval.TotalMinutes -lt 60 -and $Interval.Ticks % [TimeSpan]::TicksPerMinute -eq 0 -and 60 % $Interval.TotalMinutes -eq 0) {
        $minutes = [int]$Interval.TotalMinutes
        return [pscustomobject]@{ Cron = "*/$minutes * * * *"; Seconds = $minutes * 60; Daily = $false; Hour = 0; Minute = 0; Text = "every $minutes minute(s)" }
    }
    $message = "-Interval $Interval cannot be scheduled the same way everywhere: give 1.00:00:00 (daily, at -At), a number of hours that divides 24, or a number of minutes (at least 5) that divides 60."
    throw [System.Management.Automation.ErrorRecord]::new([ArgumentException]::new($message), 'InvalidInterval', 'InvalidArgument', $Interval)
}

function ConvertFrom-TokUsageCronTiming {
    # The words Get-TokUsageScheduleTiming gives a cron timing it wrote; another timing (edited by hand) as it is.
    param([string] $Cron)
    $f = $Cron -split '\s+'
    if ($f.Count -eq 5 -and $f[2] -eq '*' -and $f[3] -eq '*' -and $f[4] -eq '*') {
        if ($f[0] -match '^\d+$' -and $f[1] -match '^\d+$') { return ('daily at {0:00}:{1:00}' -f [int]$f[1], [int]$f[0]) }
        if ($f[0] -match '^\d+$' -and $f[1] -match '^\*/(\d+)$') { return "every $($Matches[1]) hour(s) at minute $($f[0])" }
        if ($f[0] -match '^\*/(\d+)$' -and $f[1] -eq '*') { return "every $($Matches[1]) minute(s)" }
    }
    $Cron
}

function Build-TokUsageJobScript {
    # The script the scheduler runs. It saves, then exports and runs the user's block when asked, logs one line per run
    # and exits 1 on failure. Errors of single logs do not stop the save of the others; they fail the run afterwards.
    param([string] $Name, [string] $Manifest, [string] $StorePath, [string] $LogPath, [string] $ExportPath, [string] $ScriptBlockText,
          [System.Collections.IDictionary] $Environment)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add("# Written by Register-TokenUsageSchedule for the schedule '$Name' on $([DateTime]::UtcNow.ToString('yyyy-MM-dd')). Register it again to change it.")
    $lines.Add('$ErrorActionPreference = ''Stop''')
    $lines.Add('$log = ' + (ConvertTo-TokUsagePsLiteral $LogPath))
    $lines.Add('function Write-JobLog([string] $Text) { Add-Content -LiteralPath $log -Value (''{0} {1}'' -f [DateTime]::UtcNow.ToString(''yyyy-MM-ddTHH:mm:ssZ''), $Text) }')
    foreach ($variable in $Environment.Keys | Sort-Object) {
        # The logs' locations as they were when the job was registered: a scheduler starts jobs with a bare environment.
        $lines.Add('$env:' + $variable + ' = ' + (ConvertTo-TokUsagePsLiteral ([string]$Environment[$variable])))
    }
    $lines.Add('try {')
    $lines.Add('    Import-Module ' + (ConvertTo-TokUsagePsLiteral $Manifest))
    $lines.Add('    $problems = @()')
    $lines.Add('    $saved = Get-TokenUsage -ErrorAction SilentlyContinue -ErrorVariable +problems -WarningAction SilentlyContinue | Save-TokenUsage -StorePath ' + (ConvertTo-TokUsagePsLiteral $StorePath))
    if ($ExportPath) {
        $lines.Add('    $null = New-Item -ItemType Directory -Force -Path ' + (ConvertTo-TokUsagePsLiteral (Split-Path -Parent $ExportPath)))
        $lines.Add('    Get-TokenUsage -StorePath ' + (ConvertTo-TokUsagePsLiteral $StorePath) + ' -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Measure-TokenUsage -By Day | Export-Csv -NoTypeInformation -LiteralPath ' + (ConvertTo-TokUsagePsLiteral $ExportPath))
    }
    if ($ScriptBlockText) {
        $lines.Add('    & {')
        foreach ($line in ($ScriptBlockText -split "`r?`n")) { $lines.Add('        ' + $line) }
        $lines.Add('    } $saved')
    }
    $lines.Add('    if ($problems.Count -gt 0) {')
    $lines.Add('        throw ("saved {0} new message(s), but {1} log(s) could not be read; the first: {2}" -f $saved.Added, $problems.Count, $problems[0])')
    $lines.Add('    }')
    $lines.Add('    Write-JobLog (''OK saved {0} new message(s); the store holds {1}'' -f $saved.Added, $saved.StoredMessages)')
    $lines.Add('    exit 0')
    $lines.Add('}')
    $lines.Add('catch {')
    $lines.Add('    Write-JobLog (''FAILED {0}'' -f ($_ -replace ''\s+'', '' ''))')
    $lines.Add('    [Console]::Error.WriteLine("TokUsage schedule ''' + $Name.Replace("'", "''") + ''': $_")')
    $lines.Add('    exit 1')
    $lines.Add('}')
    $lines -join "`n"
}

function Build-TokUsageCronLine {
    # One crontab line: the timing, the command (its output appended to the log too, for failures before the script
    # runs), and the tag that names the schedule.
    param([string] $Name, [string[]] $Command, [object] $Timing, [string] $LogPath)
    $words = @($Command | ForEach-Object { ConvertTo-TokUsageShellWord $_ }) -join ' '
    '{0} {1} >> {2} 2>&1 # {3}: {4}' -f $Timing.Cron, $words, (ConvertTo-TokUsageShellWord $LogPath), $script:ScheduleTag, $Name
}

function Build-TokUsageLaunchdPlist {
    # A launchd agent (~/Library/LaunchAgents): runs the command at the time of day, or every Seconds.
    param([string] $Name, [string[]] $Command, [object] $Timing, [string] $LogPath)
    $escape = { param($t) [System.Security.SecurityElement]::Escape($t) }
    $arguments = ($Command | ForEach-Object { "        <string>$(& $escape $_)</string>" }) -join "`n"
    $when = if ($Timing.Daily) {
        "    <key>StartCalendarInterval</key>`n    <dict>`n        <key>Hour</key>`n        <integer>$($Timing.Hour)</integer>`n        <key>Minute</key>`n        <integer>$($Timing.Minute)</integer>`n    </dict>"
    }
    else {
        "    <key>StartInterval</key>`n    <integer>$($Timing.Seconds)</integer>"
    }
    @"
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>$(& $escape ($script:LaunchdPrefix + $Name))</string>
    <key>ProgramArguments</key>
    <array>
$arguments
    </array>
$when
    <key>StandardOutPath</key>
    <string>$(& $escape $LogPath)</string>
    <key>StandardErrorPath</key>
    <string>$(& $escape $LogPath)</string>
    <key>RunAtLoad</key>
    <false/>
</dict>
</plist>
"@
}

function Build-TokUsageTaskXml {
    # A Task Scheduler task (schema 1.2): the user's own, run only while logged on, at the time of day or repeated; a
    # run that was missed (machine off) starts when it can; one instance at a time; stopped after an hour.
    param([string] $Name, [string[]] $Command, [object] $Timing)
    $escape = { param($t) [System.Security.SecurityElement]::Escape($t) }
    $quoted = @($Command | Select-Object -Skip 1 | ForEach-Object { if ($_ -match '[\s"]') { '"' + $_.Replace('"', '\"') + '"' } else { $_ } }) -join ' '
    $start = [DateTime]::Today.AddHours($Timing.Hour).AddMinutes($Timing.Minute).ToString('yyyy-MM-ddTHH:mm:ss')
    $trigger = if ($Timing.Daily) {
        "    <CalendarTrigger>`n      <StartBoundary>$start</StartBoundary>`n      <Enabled>true</Enabled>`n      <ScheduleByDay>`n        <DaysInterval>1</DaysInterval>`n      </ScheduleByDay>`n    </CalendarTrigger>"
    }
    else {
        "    <TimeTrigger>`n      <Repetition>`n        <Interval>PT$($Timing.Seconds)S</Interval>`n        <StopAtDurationEnd>false</StopAtDurationEnd>`n      </Repetition>`n      <StartBoundary>$start</StartBoundary>`n      <Enabled>true</Enabled>`n    </TimeTrigger>"
    }
    @"
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>TokUsage: keeps AI coding assistants' usage in the usage store (Register-TokenUsageSchedule).</Description>
    <URI>$(& $escape ($script:TaskFolder + $Name))</URI>
  </RegistrationInfo>
  <Triggers>
$trigger
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>$(& $escape $Command[0])</Command>
      <Arguments>$(& $escape $quoted)</Arguments>
    </Exec>
  </Actions>
</Task>
"@
}

function Get-TokUsageCrontab {
    # The user's crontab lines; none when the user has no crontab yet.
    $lines = & crontab -l 2>$null
    if ($LASTEXITCODE -ne 0) { return @() }
    @($lines)
}

function Write-TokUsageCrontab {
    param([string[]] $Lines)
    $text = (@($Lines) -join "`n") + "`n"
    $file = [IO.Path]::GetTempFileName()
    try {
        [IO.File]::WriteAllText($file, $text)
        $output = & crontab $file 2>&1
        if ($LASTEXITCODE -ne 0) { throw "crontab refused the new table: $output" }
    }
    finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}

function Get-TokUsageLastRun {
    # The last line the job logged: when it ran and whether it succeeded.
    param([string] $LogPath)
    if (-not $LogPath -or -not (Test-Path -LiteralPath $LogPath)) { return $null }
    $last = Get-Content -LiteralPath $LogPath -Tail 20 | Where-Object { $_ -match '^\d{4}-\d\d-\d\dT\S+Z (OK|FAILED) ' } | Select-Object -Last 1
    if (-not $last) { return $null }
    $parts = $last -split ' ', 3
    [pscustomobject]@{ Time = [DateTimeOffset]::Parse($parts[0], [cultureinfo]::InvariantCulture); Result = $parts[1]; Message = $parts[2] }
}

function Build-TokUsageScheduleInfo {
    param([string] $Name, [string] $Scheduler, [string] $Schedule, [string] $Command, [string] $ScriptPath, [string] $LogPath, [string] $Definition)
    $last = Get-TokUsageLastRun $LogPath
    [pscustomobject]@{
        PSTypeName = 'TokUsage.UsageSchedule'
        Name       = $Name
        Scheduler  = $Scheduler
        Schedule   = $Schedule
        Command    = $Command
        ScriptPath = $ScriptPath
        LogPath    = $LogPath
        LastRun    = if ($last) { $last.Time } else { $null }
        LastResult = if ($last) { $last.Result } else { $null }
        Definition = $Definition
    }
}

function Register-TokenUsageSchedule {
    <#
    .SYNOPSIS
    Registers a job that saves usage into the usage store every day (or every -Interval), so history outlives the logs.
    .DESCRIPTION
    Coding agents delete their logs (Claude Code after cleanupPeriodDays, 30 days by default). Register-TokenUsageSchedule
    registers a job with the OS's scheduler - cron on Linux, launchd on macOS, Task Scheduler on Windows - that runs
    Get-TokenUsage | Save-TokenUsage, then, when asked, writes a daily CSV report (-ExportPath) and runs your own script
    block (-ScriptBlock, given the save's result). The job is a script written beside the usage store
    (schedules/<Name>.ps1 in the TokUsage data folder); it appends one line per run to its log (OK or FAILED, with the
    reason) and exits 1 when it fails, including when some log could not be read (the others are saved first). The
    locations of the logs as this session sees them (CLAUDE_CONFIG_DIR, CODEX_HOME, XDG folders... when set) are written
    into the job, since a scheduler starts it with a bare environment; register again after changing them.
    Registering a name that exists replaces its job: there is one job per name. Get-TokenUsageSchedule lists the jobs
    and their last result; Unregister-TokenUsageSchedule removes one.
    .PARAMETER Name
    The job's name (letters, digits, '.', '_', '-'; default TokUsage).
    .PARAMETER Interval
    How often the job runs: 1.00:00:00 (daily, the default, at -At), a number of hours that divides 24, or a number of
    minutes (5 or more) that divides 60.
    .PARAMETER At
    The time of day of a daily job (default 02:30 local time); for an hourly one, its minute.
    .PARAMETER StorePath
    The usage store the job saves into (default: usage.db in the TokUsage data folder).
    .PARAMETER ExportPath
    A CSV file the job rewrites after each save with the daily totals of the whole history (Measure-TokenUsage -By Day).
    .PARAMETER ScriptBlock
    Your own step after the save, run inside the job with the save's result (TokUsage.StoreSaveResult) as its first
    argument. Its text is written into the job script; an error in it fails the run.
    .PARAMETER LogPath
    The job's log (default: schedules/<Name>.log beside the job script).
    .PARAMETER PwshPath
    The PowerShell the job runs with (default: the one running this command).
    .PARAMETER WhatIf
    Shows the job that would be registered (its timing, scheduler and command) without registering it.
    .PARAMETER Confirm
    Asks before registering the job.
    .EXAMPLE
    Register-TokenUsageSchedule
    Saves usage every day at 02:30 with the OS's scheduler.
    .EXAMPLE
    Register-TokenUsageSchedule -Name hourly -Interval 01:00:00 -At 00:15 -ExportPath ~/reports/daily-usage.csv
    Saves every hour at a quarter past, and rewrites a CSV of daily totals each time.
    .EXAMPLE
    Register-TokenUsageSchedule -ScriptBlock { param($Saved) if ((Get-TokenUsage -Since (Get-Date).Date | Measure-TokenUsage -Total | Where-Object IsTotal).Cost -gt 20) { throw 'over budget today' } }
    Fails the run (and logs why) when today's cost passes $20.
    .EXAMPLE
    Register-TokenUsageSchedule -WhatIf
    Shows what would be registered, without registering it.
    .OUTPUTS
    TokUsage.UsageSchedule
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('TokUsage.UsageSchedule')]
    param(
        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')]
        [string] $Name = 'TokUsage',
        [TimeSpan] $Interval = [TimeSpan]::FromDays(1),
        [DateTime] $At = [DateTime]::Today.AddHours(2).AddMinutes(30),
        [ValidateNotNullOrEmpty()]
        [string] $StorePath,
        [ValidateNotNullOrEmpty()]
        [string] $ExportPath,
        [scriptblock] $ScriptBlock,
        [ValidateNotNullOrEmpty()]
        [string] $LogPath,
        [ValidateNotNullOrEmpty()]
        [string[]] $PwshPath
    )
    try {
        $timing = Get-TokUsageScheduleTiming -Interval $Interval -At $At
    }
    catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }
    $kind = Get-TokUsageSchedulerKind
    $folder = Get-TokUsageScheduleFolder
    $jobPath = Join-Path $folder "$Name.ps1"
    $log = if ($LogPath) { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($LogPath) } else { Join-Path $folder "$Name.log" }
    $store = if ($StorePath) { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($StorePath) } else { [TokUsage.Commands.ModuleFolders]::DefaultStorePath() }
    $export = if ($ExportPath) { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ExportPath) } else { $null }
    $manifest = Join-Path $MyInvocation.MyCommand.Module.ModuleBase 'TokUsage.psd1'
    $pwsh = if ($PwshPath) { $PwshPath } else { Get-TokUsagePwshCommand }
    $command = @($pwsh) + @('-NoProfile', '-NonInteractive', '-File', $jobPath)

    $environment = [ordered]@{}
    $names = @('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME') + @(@(Get-TokenUsageSource).Origin | Where-Object { $_ -match '^[A-Z][A-Z0-9_]*$' })
    foreach ($variable in $names | Sort-Object -Unique) {
        $value = [Environment]::GetEnvironmentVariable($variable)
        if ($value) { $environment[$variable] = $value }
    }

    $jobScript = Build-TokUsageJobScript -Name $Name -Manifest $manifest -StorePath $store -LogPath $log -ExportPath $export -ScriptBlockText $(if ($ScriptBlock) { $ScriptBlock.ToString().Trim() }) -Environment $environment
    switch ($kind) {
        'Cron' { $definition = Build-TokUsageCronLine -Name $Name -Command $command -Timing $timing -LogPath $log }
        'Launchd' { $definition = Build-TokUsageLaunchdPlist -Name $Name -Command $command -Timing $timing -LogPath $log }
        default { $definition = Build-TokUsageTaskXml -Name $Name -Command $command -Timing $timing }
    }

    if (-not $PSCmdlet.ShouldProcess("$Name ($($timing.Text), $kind): $($command -join ' ')", 'Register TokUsage schedule')) {
        return
    }

    try {
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $log) | Out-Null
        [IO.File]::WriteAllText($jobPath, $jobScript)
        switch ($kind) {
            'Cron' {
                $kept = @(Get-TokUsageCrontab | Where-Object { $_ -notlike "*# ${script:ScheduleTag}: $Name" })
                Write-TokUsageCrontab -Lines ($kept + $definition)
            }
            'Launchd' {
                $agents = Join-Path $HOME 'Library/LaunchAgents'
                New-Item -ItemType Directory -Force -Path $agents | Out-Null
                $plist = Join-Path $agents "$($script:LaunchdPrefix)$Name.plist"
                $domain = "gui/$(& id -u)"
                & launchctl bootout "$domain/$($script:LaunchdPrefix)$Name" 2>$null
                [IO.File]::WriteAllText($plist, $definition)
                $output = & launchctl bootstrap $domain $plist 2>&1
                if ($LASTEXITCODE -ne 0) { throw "launchctl refused the job: $output" }
            }
            default {
                $xml = [IO.Path]::GetTempFileName()
                try {
                    [IO.File]::WriteAllText($xml, $definition, [Text.Encoding]::Unicode)
                    $output = & schtasks.exe /Create /TN "$($script:TaskFolder)$Name" /XML $xml /F 2>&1
                    if ($LASTEXITCODE -ne 0) { throw "schtasks refused the task: $output" }
                }
                finally {
                    Remove-Item -LiteralPath $xml -ErrorAction SilentlyContinue
                }
            }
        }
    }
    catch {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [InvalidOperationException]::new("The schedule '$Name' could not be registered with ${kind}: $($_.Exception.Message)", $_.Exception), 'ScheduleNotRegistered', 'InvalidOperation', $Name))
    }

    Build-TokUsageScheduleInfo -Name $Name -Scheduler $kind -Schedule $timing.Text -Command ($command -join ' ') -ScriptPath $jobPath -LogPath $log -Definition $definition
}

function Get-TokenUsageSchedule {
    <#
    .SYNOPSIS
    Lists the jobs Register-TokenUsageSchedule registered, with when each last ran and how it ended.
    .DESCRIPTION
    Reads the OS's scheduler (the user's crontab on Linux, ~/Library/LaunchAgents on macOS, the \TokUsage\ folder of
    Task Scheduler on Windows) for the jobs this module registered, and each job's log for its last run (LastRun,
    LastResult OK or FAILED).
    .PARAMETER Name
    Only the jobs with these names (wildcards allowed).
    .EXAMPLE
    Get-TokenUsageSchedule
    Lists every TokUsage job and its last result.
    .EXAMPLE
    Get-TokenUsageSchedule | Where-Object LastResult -eq FAILED | ForEach-Object { Get-Content $_.LogPath -Tail 5 }
    Shows the end of the log of each job whose last run failed.
    .OUTPUTS
    TokUsage.UsageSchedule
    #>
    [CmdletBinding()]
    [OutputType('TokUsage.UsageSchedule')]
    param(
        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string[]] $Name = '*'
    )
    $kind = Get-TokUsageSchedulerKind
    $folder = Get-TokUsageScheduleFolder
    $found = switch ($kind) {
        'Cron' {
            foreach ($line in Get-TokUsageCrontab) {
                if ($line -match "^(?<when>(\S+\s+){5})(?<command>.*?) >> (?<log>'(?:[^']|'\\'')*') 2>&1 # $([regex]::Escape($script:ScheduleTag)): (?<name>\S+)$") {
                    $log = $Matches.log.Substring(1, $Matches.log.Length - 2).Replace("'\''", "'").Replace('\%', '%')
                    [pscustomobject]@{ Name = $Matches.name; Schedule = (ConvertFrom-TokUsageCronTiming $Matches.when.Trim()); Command = $Matches.command; LogPath = $log; Definition = $line }
                }
            }
        }
        'Launchd' {
            $agents = Join-Path $HOME 'Library/LaunchAgents'
            foreach ($plist in Get-ChildItem -Path $agents -Filter "$($script:LaunchdPrefix)*.plist" -ErrorAction SilentlyContinue) {
                $xml = [xml](Get-Content -Raw -LiteralPath $plist.FullName)
                $values = @($xml.plist.dict.ChildNodes)
                $item = @{}
                for ($i = 0; $i -lt $values.Count - 1; $i += 2) { $item[$values[$i].InnerText] = $values[$i + 1] }
                [pscustomobject]@{
                    Name = $plist.BaseName.Substring($script:LaunchdPrefix.Length)
                    Schedule = if ($item.ContainsKey('StartInterval')) { "every $($item['StartInterval'].InnerText) s" } else { 'daily' }
                    Command = (@($item['ProgramArguments'].ChildNodes | ForEach-Object InnerText) -join ' ')
                    LogPath = $item['StandardOutPath'].InnerText
                    Definition = $plist.FullName
                }
            }
        }
        default {
            $rows = & schtasks.exe /Query /FO CSV /V 2>$null | ConvertFrom-Csv | Where-Object { $_.TaskName -like "$($script:TaskFolder)*" }
            foreach ($row in $rows) {
                $taskName = $row.TaskName.Substring($script:TaskFolder.Length)
                [pscustomobject]@{ Name = $taskName; Schedule = $row.'Schedule Type'; Command = $row.'Task To Run'; LogPath = Join-Path $folder "$taskName.log"; Definition = $row.TaskName }
            }
        }
    }
    foreach ($job in $found) {
        if (-not @($Name | Where-Object { $job.Name -like $_ })) { continue }
        Build-TokUsageScheduleInfo -Name $job.Name -Scheduler $kind -Schedule $job.Schedule -Command $job.Command -ScriptPath (Join-Path $folder "$($job.Name).ps1") -LogPath $job.LogPath -Definition $job.Definition
    }
}

function Unregister-TokenUsageSchedule {
    <#
    .SYNOPSIS
    Removes a job Register-TokenUsageSchedule registered, and its job script (its log and the usage store stay).
    .DESCRIPTION
    Removes the named job from the OS's scheduler and deletes its script. Nothing saved is touched. A name that is not
    registered is a non-terminating error (ScheduleNotFound).
    .PARAMETER Name
    The job's name (default TokUsage); names can be piped from Get-TokenUsageSchedule.
    .PARAMETER WhatIf
    Shows which job would be removed without removing it.
    .PARAMETER Confirm
    Asks before removing the job.
    .EXAMPLE
    Unregister-TokenUsageSchedule
    Removes the default daily job.
    .EXAMPLE
    Get-TokenUsageSchedule | Unregister-TokenUsageSchedule -WhatIf
    Shows which jobs would be removed.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType([void])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')]
        [string] $Name = 'TokUsage'
    )
    process {
        $kind = Get-TokUsageSchedulerKind
        if (-not (Get-TokenUsageSchedule -Name ([WildcardPattern]::Escape($Name)))) {
            $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [System.Management.Automation.ItemNotFoundException]::new("No TokUsage schedule named '$Name' is registered with $kind."), 'ScheduleNotFound', 'ObjectNotFound', $Name))
            return
        }
        if (-not $PSCmdlet.ShouldProcess($Name, 'Unregister TokUsage schedule')) { return }
        try {
            switch ($kind) {
                'Cron' { Write-TokUsageCrontab -Lines @(Get-TokUsageCrontab | Where-Object { $_ -notlike "*# ${script:ScheduleTag}: $Name" }) }
                'Launchd' {
                    & launchctl bootout "gui/$(& id -u)/$($script:LaunchdPrefix)$Name" 2>$null
                    Remove-Item -LiteralPath (Join-Path $HOME "Library/LaunchAgents/$($script:LaunchdPrefix)$Name.plist") -ErrorAction SilentlyContinue
                }
                default {
                    $output = & schtasks.exe /Delete /TN "$($script:TaskFolder)$Name" /F 2>&1
                    if ($LASTEXITCODE -ne 0) { throw "schtasks refused: $output" }
                }
            }
            Remove-Item -LiteralPath (Join-Path (Get-TokUsageScheduleFolder) "$Name.ps1") -ErrorAction SilentlyContinue
        }
        catch {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [InvalidOperationException]::new("The schedule '$Name' could not be removed from ${kind}: $($_.Exception.Message)", $_.Exception), 'ScheduleNotUnregistered', 'InvalidOperation', $Name))
        }
    }
}
