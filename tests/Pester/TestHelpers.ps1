# Shared by every Pester spec (dot-sourced in each file's BeforeAll).
# The suite's isolation fixture: the first spec that loads this file points HOME and the cache, config and data folders
# of this pwsh process at a fresh temporary folder and clears the variables that name a user's logs or price file, so
# no spec reads or writes the real user's cache, price file, store or logs. Child pwsh processes inherit it.
if (-not $env:TOKUSAGE_TEST_HOME) {
    $testRoot = Join-Path ([IO.Path]::GetTempPath()) ('tokusage-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $env:TOKUSAGE_TEST_HOME = Join-Path $testRoot 'home'
    New-Item -ItemType Directory -Force -Path $env:TOKUSAGE_TEST_HOME | Out-Null
    $env:HOME = $env:TOKUSAGE_TEST_HOME
    $env:USERPROFILE = $env:TOKUSAGE_TEST_HOME
    $env:XDG_CACHE_HOME = Join-Path $env:TOKUSAGE_TEST_HOME '.cache'
    $env:XDG_CONFIG_HOME = Join-Path $env:TOKUSAGE_TEST_HOME '.config'
    $env:XDG_DATA_HOME = Join-Path $env:TOKUSAGE_TEST_HOME '.local/share'
    $env:LOCALAPPDATA = Join-Path $env:TOKUSAGE_TEST_HOME 'AppData/Local'
    $env:APPDATA = Join-Path $env:TOKUSAGE_TEST_HOME 'AppData/Roaming'
    foreach ($name in 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'TOKUSAGE_PRICE_FILE', 'GEMINI_DIR', 'AMP_DATA_DIR', 'OPENCODE_DATA_DIR', 'KILO_DATA_DIR', 'HERMES_HOME', 'GOOSE_PATH_ROOT', 'COPILOT_OTEL_FILE_EXPORTER_PATH', 'DSH_HOME') {
        Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue
    }
}

# TOKUSAGE_TEST_MODULE runs the specs against another build (for example an older one, to see a spec fail without a fix).
$script:ModuleManifest = if ($env:TOKUSAGE_TEST_MODULE) { $env:TOKUSAGE_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/TokUsage/TokUsage.psd1' }
Import-Module $script:ModuleManifest -Force

. (Join-Path $PSScriptRoot '../../tools/Get-PwshCommand.ps1')

# One Claude Code assistant line, as Claude Code writes it.
function ConvertTo-ClaudeLine {
    param([string] $Id, [string] $RequestId, [long] $InputTokens, [long] $OutputTokens,
          [long] $CacheReadTokens = 0, [long] $CacheWriteTokens = 0,
          [string] $Model = 'claude-sonnet-4-5-20250929', [string] $Timestamp = '2026-05-01T10:00:00Z',
          [string] $Cwd, [string] $SessionId,
          # A side-chain line (a sub-agent's, or a /btw side question's).
          [switch] $Sidechain)
    $line = [ordered]@{ isSidechain = [bool]$Sidechain; type = 'assistant'; timestamp = $Timestamp; requestId = $RequestId }
    if ($Cwd) { $line.cwd = $Cwd }
    if ($SessionId) { $line.sessionId = $SessionId }
    $line.message = [ordered]@{
        id = $Id; type = 'message'; role = 'assistant'; model = $Model
        content = @(@{ type = 'text'; text = 'ok' })
        usage = [ordered]@{ input_tokens = $InputTokens; output_tokens = $OutputTokens; cache_read_input_tokens = $CacheReadTokens; cache_creation_input_tokens = $CacheWriteTokens }
    }
    $line | ConvertTo-Json -Depth 6 -Compress
}

# USD per million tokens (input, output, cache read, 5-minute cache write) of the models the generated homes use, as
# Anthropic and OpenAI publish them: the specs price their expectations with these, not with the module's table.
$script:Rates = @{
    'claude-sonnet-4-5-20250929' = @{ In = 3; Out = 15; Read = 0.3; Write = 3.75 }
    'claude-opus-4-1-20250805'   = @{ In = 15; Out = 75; Read = 1.5; Write = 18.75 }
    'gpt-5-codex'                = @{ In = 1.25; Out = 10; Read = 0.125; Write = 0 }
}

function Get-ExpectedCost {
    param([object[]] $Messages)
    $sum = [decimal]0
    foreach ($m in $Messages) {
        $r = $script:Rates[$m.Model]
        $sum += ([decimal]$m.Input * $r.In + [decimal]$m.Output * $r.Out + [decimal]$m.CacheRead * $r.Read + [decimal]$m.CacheWrite * $r.Write) / 1000000
    }
    $sum
}

# A Claude Code home below $Root: sessions over several days, projects and models, with the expected totals computed
# here from what was written (not by the module). Returns the home and its expected per-day, per-model totals.
function Build-ClaudeHome {
    param([string] $Root, [int] $Days = 3, [string[]] $Models = @('claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805'),
          [datetime] $Start = [datetime]::new(2026, 5, 1, 0, 0, 0, [DateTimeKind]::Utc), [long] $Scale = 1,
          # Makes message ids and sessions unique to this home (another machine's history).
          [string] $Tag = '')
    $projects = Join-Path $Root '.claude/projects'
    $messages = [System.Collections.Generic.List[object]]::new()
    $n = 0
    foreach ($day in 0..($Days - 1)) {
        foreach ($project in 'app', 'lib') {
            $folder = New-Item -ItemType Directory -Force -Path (Join-Path $projects "-home-me-$project")
            $session = 'sess-{0}{1}-{2}' -f $Tag, $project, $day
            $lines = foreach ($turn in 0..3) {
                $n++
                $model = $Models[$n % $Models.Count]
                $stamp = [datetime]::SpecifyKind($Start.Date, [DateTimeKind]::Utc).AddHours(9).AddDays($day).AddMinutes(17 * $turn + [int]($project -eq 'lib') * 300)
                $m = [pscustomobject]@{ Day = $stamp.ToString('yyyy-MM-dd'); Model = $model; Project = "/home/me/$project"; Input = 100 * $n * $Scale; Output = 10 * $n * $Scale; CacheRead = 1000 * $n * $Scale; CacheWrite = 50 * $n * $Scale; Session = $session }
                $messages.Add($m)
                ConvertTo-ClaudeLine -Id "msg_$Tag$n" -RequestId "req_$Tag$n" -InputTokens $m.Input -OutputTokens $m.Output -CacheReadTokens $m.CacheRead -CacheWriteTokens $m.CacheWrite -Model $model -Timestamp $stamp.ToString('yyyy-MM-ddTHH:mm:ss.fffZ') -Cwd "/home/me/$project" -SessionId $session
            }
            $lines | Set-Content -Path (Join-Path $folder "$session.jsonl")
        }
    }
    [pscustomobject]@{ Home = $Root; Projects = $projects; Messages = $messages.ToArray() }
}

# A Codex CLI rollout as Codex writes it: session_meta (id, cwd), turn_context (model), then one token_count event per
# request with running totals. $Requests: objects with Input (cached included, as Codex counts), Cached, Output, Timestamp.
function Build-CodexRollout {
    param([string] $CodexHome, [string] $SessionId, [string] $Cwd, [object[]] $Requests, [string] $Model = 'gpt-5-codex')
    $first = [datetime]$Requests[0].Timestamp
    $day = Join-Path $CodexHome ('sessions/{0:yyyy}/{0:MM}/{0:dd}' -f $first)
    New-Item -ItemType Directory -Force -Path $day | Out-Null
    $stamp = $first.ToString('yyyy-MM-ddTHH-mm-ss')
    $total = [ordered]@{ input_tokens = 0; cached_input_tokens = 0; output_tokens = 0; reasoning_output_tokens = 0; total_tokens = 0 }
    $lines = @(
        (@{ timestamp = $first.ToString('o'); type = 'session_meta'; payload = @{ id = $SessionId; cwd = $Cwd } } | ConvertTo-Json -Compress -Depth 5)
        (@{ timestamp = $first.ToString('o'); type = 'turn_context'; payload = @{ model = $Model; cwd = $Cwd } } | ConvertTo-Json -Compress -Depth 5)
    )
    foreach ($r in $Requests) {
        $last = [ordered]@{ input_tokens = $r.Input; cached_input_tokens = $r.Cached; output_tokens = $r.Output; reasoning_output_tokens = 0; total_tokens = $r.Input + $r.Output }
        foreach ($k in @($total.Keys)) { $total[$k] += $last[$k] }
        $lines += @{ timestamp = ([datetime]$r.Timestamp).ToString('o'); type = 'event_msg'; payload = @{ type = 'token_count'; info = @{ total_token_usage = $total; last_token_usage = $last } } } | ConvertTo-Json -Compress -Depth 6
    }
    $path = Join-Path $day "rollout-$stamp-$SessionId.jsonl"
    $lines | Set-Content -Path $path
    $path
}

# Text lines of an object's default view at a width.
function Get-ViewLine {
    param([Parameter(ValueFromPipeline)] $InputObject, [int] $Width)
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.Add($InputObject) }
    end { ($all | Out-String -Width $Width) -split "`r?`n" | Where-Object { $_.Trim() } }
}

# Runs a script in a fresh `pwsh -NoProfile -NonInteractive -File` process that inherits this process's environment
# (the isolated home), and kills it when it outlives the deadline: for specs about hangs, which must fail, not stall the
# suite (TOKUSAGE_TEST_DEADLINE shortens the deadline when running the specs against an old build that hangs). Returns
# whether it finished, its exit code and its standard output.
function Invoke-PwshWithDeadline {
    param([string] $Text, [string[]] $Arguments = @(), [int] $TimeoutSec = $(if ($env:TOKUSAGE_TEST_DEADLINE) { [int]$env:TOKUSAGE_TEST_DEADLINE } else { 120 }),
          # A command the child runs under, such as setpriv.
          [string[]] $Prefix = @())
    $file = Join-Path ([IO.Path]::GetTempPath()) ("tokusage-child-{0}.ps1" -f [guid]::NewGuid().ToString('N'))
    Set-Content -Path $file -Value $Text
    $pwsh = @($Prefix) + @(Get-PwshCommand)
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file) + $Arguments) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $reading = $process.StandardOutput.ReadToEndAsync()
        $finished = $process.WaitForExit($TimeoutSec * 1000)
        if (-not $finished) { $process.Kill($true) }
        $process.WaitForExit()
        [pscustomobject]@{ Finished = $finished; ExitCode = $process.ExitCode; Output = $reading.GetAwaiter().GetResult() }
    }
    finally {
        $process.Dispose()
        Remove-Item -Path $file -ErrorAction SilentlyContinue
    }
}

# What to run a child pwsh under so that file modes bind it: as root on Linux, setpriv without the capabilities that
# let root read and write past them (root keeps its id, so the test home stays its own); nothing for other users.
function Get-ModesBindingPrefix {
    if ($IsLinux -and (& id -u) -eq '0') { return @('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--') }
    return @()
}

# A LiteLLM-shaped price table (what Update-TokenPrice downloads) made from the module's embedded table; -Rates sets
# fields of one entry ('claude-sonnet-4-5' = @{ input_cost_per_token = 7e27 }) as raw JSON numbers. Returns the path.
function Build-LiteLlmPriceFile {
    param([string] $Path, [hashtable] $Rates = @{})
    $embedded = Get-Content -Raw (Join-Path $PSScriptRoot '../../src/TokUsage/Pricing/litellm-prices.json') | ConvertFrom-Json -AsHashtable
    $litellm = [ordered]@{}
    foreach ($entry in $embedded.models.GetEnumerator()) {
        $m = $entry.Value
        $row = [ordered]@{ litellm_provider = $m.p; mode = 'chat'; input_cost_per_token = $m.i; output_cost_per_token = $m.o }
        if ($m.ContainsKey('cr')) { $row.cache_read_input_token_cost = $m.cr }
        if ($m.ContainsKey('cw')) { $row.cache_creation_input_token_cost = $m.cw }
        if ($m.ContainsKey('ctx')) { $row.max_input_tokens = $m.ctx }
        $litellm[$entry.Key] = $row
    }
    $marks = @{}
    foreach ($model in $Rates.Keys) {
        foreach ($field in $Rates[$model].Keys) {
            $mark = 'RAW-{0}' -f $marks.Count
            $marks[$mark] = [string]$Rates[$model][$field]
            $litellm[$model][$field] = $mark
        }
    }
    $json = $litellm | ConvertTo-Json -Depth 4
    foreach ($mark in $marks.Keys) { $json = $json.Replace('"' + $mark + '"', $marks[$mark]) }
    Set-Content -Path $Path -Value $json
    $Path
}

# The throwaway PostgreSQL server of the team specs (issue 17): .ci/run starts it (tests/postgres.sh) and exports its
# port; outside .ci/run it is started here. Returns the port.
function Get-TestServerPort {
    if (-not $env:TOKUSAGE_TEST_PGPORT) {
        $port = bash (Join-Path $PSScriptRoot '../postgres.sh') start
        if ($LASTEXITCODE -ne 0) { throw 'The team specs need PostgreSQL: apt-get install postgresql (tests/postgres.sh starts a throwaway cluster).' }
        $env:TOKUSAGE_TEST_PGPORT = $port
    }
    $env:TOKUSAGE_TEST_PGPORT
}

# SQL through psql, not through the module: the specs check the team database with another client.
function Invoke-TestSql {
    param([string] $Sql, [string] $Database = 'postgres')
    $out = & psql -h 127.0.0.1 -p (Get-TestServerPort) -U postgres -d $Database -v ON_ERROR_STOP=1 -tA -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql: $out" }
    $out
}

# A new, empty database of the test server; returns its Npgsql connection string.
function Initialize-TestDatabase {
    param([string] $Name = ('tokusage_spec_' + [guid]::NewGuid().ToString('N').Substring(0, 12)))
    Invoke-TestSql "DROP DATABASE IF EXISTS $Name WITH (FORCE)" | Out-Null
    Invoke-TestSql "CREATE DATABASE $Name" | Out-Null
    "Host=127.0.0.1;Port=$(Get-TestServerPort);Username=postgres;Database=$Name"
}

# An open connection to the SQLite database at $Path through the module's own Microsoft.Data.Sqlite: on PowerShell 7 it
# lives in the module's load context, where a type literal cannot reach it. The module must have read a database first
# (that loads its native engine).
function Open-TestSqliteDatabase {
    param([string] $Path)
    $assembly = [TokUsage.UsageFile].Assembly
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
    $sqlite = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Microsoft.Data.Sqlite'))
    $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection', $true), @("Data Source=$Path;Pooling=False"))
    $connection.Open()
    $connection
}
