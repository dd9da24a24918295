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
    foreach ($name in 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'TOKUSAGE_PRICE_FILE', 'GEMINI_DIR', 'AMP_DATA_DIR', 'OPENCODE_DATA_DIR', 'KILO_DATA_DIR', 'HERMES_HOME', 'GOOSE_PATH_ROOT', 'COPILOT_OTEL_FILE_EXPORTER_PATH') {
        Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue
    }
}

$script:ModuleManifest = Join-Path $PSScriptRoot '../../out/TokUsage/TokUsage.psd1'
Import-Module $script:ModuleManifest -Force

# The pwsh running the specs, as a command line for a child process (pwsh, or `dotnet pwsh.dll` for the .NET tool).
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        return @($exe, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($exe)
}

# One Claude Code assistant line, as Claude Code writes it.
function ConvertTo-ClaudeLine {
    param([string] $Id, [string] $RequestId, [long] $InputTokens, [long] $OutputTokens,
          [long] $CacheReadTokens = 0, [long] $CacheWriteTokens = 0,
          [string] $Model = 'claude-sonnet-4-5-20250929', [string] $Timestamp = '2026-05-01T10:00:00Z',
          [string] $Cwd, [string] $SessionId)
    $line = [ordered]@{ type = 'assistant'; timestamp = $Timestamp; requestId = $RequestId }
    if ($Cwd) { $line.cwd = $Cwd }
    if ($SessionId) { $line.sessionId = $SessionId }
    $line.message = [ordered]@{
        id = $Id; type = 'message'; role = 'assistant'; model = $Model
        content = @(@{ type = 'text'; text = 'ok' })
        usage = [ordered]@{ input_tokens = $InputTokens; output_tokens = $OutputTokens; cache_read_input_tokens = $CacheReadTokens; cache_creation_input_tokens = $CacheWriteTokens }
    }
    $line | ConvertTo-Json -Depth 6 -Compress
}

# A Claude Code home below $Root: sessions over several days, projects and models, with the expected totals computed
# here from what was written (not by the module). Returns the home and its expected per-day, per-model totals.
function Build-ClaudeHome {
    param([string] $Root, [int] $Days = 3, [string[]] $Models = @('claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805'))
    $projects = Join-Path $Root '.claude/projects'
    $messages = [System.Collections.Generic.List[object]]::new()
    $n = 0
    foreach ($day in 0..($Days - 1)) {
        foreach ($project in 'app', 'lib') {
            $folder = New-Item -ItemType Directory -Force -Path (Join-Path $projects "-home-me-$project")
            $session = 'sess-{0}-{1}' -f $project, $day
            $lines = foreach ($turn in 0..3) {
                $n++
                $model = $Models[$n % $Models.Count]
                $stamp = ([datetime]'2026-05-01T09:00:00Z').ToUniversalTime().AddDays($day).AddMinutes(17 * $turn + ($project -eq 'lib') * 300)
                $m = [pscustomobject]@{ Day = $stamp.ToString('yyyy-MM-dd'); Model = $model; Project = "/home/me/$project"; Input = 100 * $n; Output = 10 * $n; CacheRead = 1000 * $n; CacheWrite = 50 * $n; Session = $session }
                $messages.Add($m)
                ConvertTo-ClaudeLine -Id "msg_$n" -RequestId "req_$n" -InputTokens $m.Input -OutputTokens $m.Output -CacheReadTokens $m.CacheRead -CacheWriteTokens $m.CacheWrite -Model $model -Timestamp $stamp.ToString('yyyy-MM-ddTHH:mm:ss.fffZ') -Cwd "/home/me/$project" -SessionId $session
            }
            $lines | Set-Content -Path (Join-Path $folder "$session.jsonl")
        }
    }
    [pscustomobject]@{ Home = $Root; Projects = $projects; Messages = $messages.ToArray() }
}
