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

Describe 'A token count no message can have' {
    BeforeAll {
        $script:claudeRoot = Join-Path $TestDrive 'claude'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $claudeRoot 'projects/-home-me-app')
        @(
            (ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 1000 -OutputTokens 100)
            (ConvertTo-ClaudeLine -Id m2 -RequestId r2 -InputTokens 9223372036854775807 -OutputTokens 5)
            (ConvertTo-ClaudeLine -Id m3 -RequestId r3 -InputTokens 1000000000001 -OutputTokens 5)
            (ConvertTo-ClaudeLine -Id m4 -RequestId r4 -InputTokens 2000 -OutputTokens 200)
        ) | Set-Content (Join-Path $project 's.jsonl')

        $script:codexHome = Join-Path $TestDrive '.codex'
        $path = Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-huge' -Cwd '/home/me/app' -Requests @(
            [pscustomobject]@{ Input = 1000; Cached = 0; Output = 100; Timestamp = '2026-05-02T08:00:00Z' }
            [pscustomobject]@{ Input = 2000; Cached = 0; Output = 200; Timestamp = '2026-05-02T08:05:00Z' }
            [pscustomobject]@{ Input = 4000; Cached = 0; Output = 400; Timestamp = '2026-05-02T08:10:00Z' })
        # The second event's counts become 9.2e18 and 1e400 (Codex once logged such values; both used to become
        # long.MaxValue and wrap every sum negative).
        $lines = Get-Content $path
        $lines[3] = $lines[3] -replace '"input_tokens":2000', '"input_tokens":9.3e18' -replace '"output_tokens":200', '"output_tokens":1e400'
        $lines | Set-Content $path
    }

    # A count past 10^12 is damage (skipped and counted); the other messages count exactly.
    It 'is a skipped line for <Client>, and every other message counts' -ForEach @(
        @{ Client = 'claude'; Tokens = 3300; Skipped = 2 }
        @{ Client = 'codex'; Tokens = 5500; Skipped = 1 }) {
        $path = if ($Client -eq 'codex') { $codexHome } else { $claudeRoot }
        $files = Get-TokenUsage -Path $path -Client $Client -WarningAction SilentlyContinue
        $files.SkippedLines | Should -Be $Skipped
        $files.TotalTokens | Should -Be $Tokens
        $files.Cost | Should -BeGreaterOrEqual 0
        $total = $files | Measure-TokenUsage -Total | Where-Object IsTotal
        $total.TotalTokens | Should -Be $Tokens
        $total.Cost | Should -BeLessThan 1
    }

    It 'names the damaged line and why with -Verbose' {
        $verbose = Get-TokenUsage -Path $claudeRoot -Client claude -Verbose -WarningAction SilentlyContinue 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message -join "`n" | Should -Match 's\.jsonl:2: skipped: [^\n]*10\^12'
        $verbose.Message -join "`n" | Should -Match 's\.jsonl:3: skipped: [^\n]*10\^12'
    }
}

Describe 'Two records on one line' {
    BeforeAll {
        $script:claudeRoot = Join-Path $TestDrive 'claude'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $claudeRoot 'projects/-home-me-app')
        $one = ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 1000 -OutputTokens 100
        $two = ConvertTo-ClaudeLine -Id m2 -RequestId r2 -InputTokens 2000 -OutputTokens 200
        $three = ConvertTo-ClaudeLine -Id m3 -RequestId r3 -InputTokens 4000 -OutputTokens 400
        $four = ConvertTo-ClaudeLine -Id m4 -RequestId r4 -InputTokens 8000 -OutputTokens 800
        # A lost line end glues two records; text after a record; then a file whose lines end in CR only.
        [IO.File]::WriteAllText((Join-Path $project 'glued.jsonl'), "$one`n$two$three`n$four garbage`n")
        [IO.File]::WriteAllText((Join-Path $project 'cr.jsonl'), ($one -replace 'm1', 'c1') + "`r" + ($two -replace 'm2', 'c2') + "`r")

        $script:codexHome = Join-Path $TestDrive '.codex'
        $path = Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-glued' -Cwd '/home/me/app' -Requests @(
            [pscustomobject]@{ Input = 1000; Cached = 0; Output = 100; Timestamp = '2026-05-02T08:00:00Z' }
            [pscustomobject]@{ Input = 2000; Cached = 0; Output = 200; Timestamp = '2026-05-02T08:05:00Z' }
            [pscustomobject]@{ Input = 4000; Cached = 0; Output = 400; Timestamp = '2026-05-02T08:10:00Z' })
        $lines = Get-Content $path
        [IO.File]::WriteAllText($path, (($lines[0..2] -join "`n") + "`n" + $lines[3] + $lines[4] + "`n"))
    }

    # Never silent: the line is damage, skipped and counted as the peers skip it (their JSON parsers refuse it).
    It 'is a counted damaged line in a Claude Code transcript, never a silently dropped record' {
        $files = Get-TokenUsage -Path $claudeRoot -Client claude -WarningAction SilentlyContinue
        $glued = $files | Where-Object SessionId -EQ 'glued'
        $glued.TotalTokens | Should -Be 1100
        $glued.SkippedLines | Should -Be 2
        $cr = $files | Where-Object SessionId -EQ 'cr'
        $cr.TotalTokens | Should -Be 0
        $cr.SkippedLines | Should -Be 1
    }

    It 'is a counted damaged line in a Codex rollout' {
        $file = Get-TokenUsage -Path $codexHome -Client codex -WarningAction SilentlyContinue
        $file.TotalTokens | Should -Be 1100
        $file.SkippedLines | Should -Be 1
    }
}

Describe 'Folding objects that cannot be real usage' {
    BeforeAll {
        function ConvertTo-UsageObject([object] $InputTokens, [object] $Cost) {
            [pscustomobject]@{
                Client = 'claude'; SessionId = 's1'; Project = 'app'
                Entries = @([pscustomobject]@{ Timestamp = '2026-05-01T10:00:00Z'; Model = 'claude-sonnet-4-5-20250929'; InputTokens = $InputTokens; OutputTokens = 1; Cost = $Cost })
            }
        }
    }

    It 'refuses an entry whose count is not a count, naming why (InvalidInputObject), and folds the rest' {
        $rows = @((ConvertTo-UsageObject 10 0.1), (ConvertTo-UsageObject 'lots' 0.1), (ConvertTo-UsageObject 9223372036854775807 0.1), (ConvertTo-UsageObject 20 0.2)) |
            Measure-TokenUsage -Total:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 2
        $problems.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidInputObject,*' }
        $problems[0].Exception.Message | Should -Match 'not a number'
        $problems[1].Exception.Message | Should -Match '10\^12'
        $rows.TotalTokens | Should -Be 32
    }

    It 'ends with TokenSumOverflow instead of a wrapped total when the sum would overflow' {
        $inputs = 1..20 | ForEach-Object { ConvertTo-UsageObject 10 7e27 }
        { $inputs | Measure-TokenUsage -ErrorAction Stop } | Should -Throw -ErrorId 'TokenSumOverflow,*'
    }
}

Describe 'Files that are not logs inside a log folder' -Skip:(-not $IsLinux) {
    BeforeAll {
        $script:userHome = Join-Path $TestDrive 'home'
        $script:claude = Build-ClaudeHome -Root $userHome -Days 1
        $project = Join-Path $claude.Projects '-home-me-app'
        $script:outside = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'elsewhere')
        ConvertTo-ClaudeLine -Id secret -RequestId r-secret -InputTokens 777 -OutputTokens 7 | Set-Content (Join-Path $outside 'secret.jsonl')
        & mkfifo (Join-Path $project 'pipe.jsonl')
        New-Item -ItemType SymbolicLink -Path (Join-Path $project 'zero.jsonl') -Target '/dev/zero' | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $project 'away.jsonl') -Target (Join-Path $outside 'secret.jsonl') | Out-Null
        # A link that stays inside the folder is an ordinary way to lay out logs: it is read.
        $archive = New-Item -ItemType Directory -Force -Path (Join-Path $claude.Projects '-home-me-archive')
        ConvertTo-ClaudeLine -Id archived -RequestId r-archived -InputTokens 1000 -OutputTokens 100 | Set-Content (Join-Path $archive 'old.jsonl.bak')
        New-Item -ItemType Directory -Force -Path (Join-Path $claude.Projects '-home-me-linked') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $claude.Projects '-home-me-linked/inside.jsonl') -Target (Join-Path $archive 'old.jsonl.bak') | Out-Null
        # ~/.config/claude linked to ~/.claude (a common set-up): one folder, read once.
        New-Item -ItemType Directory -Force -Path (Join-Path $userHome '.config') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $userHome '.config/claude') -Target (Join-Path $userHome '.claude') | Out-Null
        $script:expected = ($claude.Messages | Measure-Object -Property Input, Output, CacheRead, CacheWrite -Sum | Measure-Object -Property Sum -Sum).Sum
        $lib = @($claude.Messages | Where-Object Project -EQ '/home/me/lib')
        $script:libTokens = ($lib | Measure-Object -Property Input, Output, CacheRead, CacheWrite -Sum | Measure-Object -Property Sum -Sum).Sum
        $script:linkedTokens = 1100
    }

    # Run in a child process with a deadline: before the fix, opening the FIFO blocked forever and Ctrl+C never returned.
    It 'passes over a FIFO and a link to /dev/zero with a warning, without hanging, and counts every log' {
        $child = Invoke-PwshWithDeadline -Arguments (Resolve-Path $script:ModuleManifest).Path, $userHome -Text {
            param($Manifest, $UserHome)
            $env:HOME = $UserHome
            $env:XDG_CONFIG_HOME = Join-Path $UserHome '.config'
            Import-Module $Manifest
            $files = Get-TokenUsage -Client claude -NoCache -WarningVariable warnings -WarningAction SilentlyContinue
            [pscustomobject]@{ Tokens = ($files | Measure-Object TotalTokens -Sum).Sum; Warnings = @($warnings | ForEach-Object { "$_" }) } | ConvertTo-Json -Compress
        }.ToString()
        $child.Finished | Should -BeTrue -Because 'Get-TokenUsage must not block on a FIFO or read /dev/zero forever'
        $result = $child.Output | ConvertFrom-Json
        $result.Tokens | Should -Be ($expected + $linkedTokens)
        ($result.Warnings -join "`n") | Should -Match 'pipe\.jsonl. is not read: it is a FIFO'
        ($result.Warnings -join "`n") | Should -Match 'zero\.jsonl. is not read: it is a symbolic link to ./dev/zero.'
        @($result.Warnings | Where-Object { $_ -match 'pipe\.jsonl' }).Count | Should -Be 1 -Because 'the folder linked from ~/.config/claude is the same folder and is walked once'
    }

    It 'does not follow a link out of the log folder, unless the user names the file' {
        $away = Join-Path $claude.Projects '-home-me-app/away.jsonl'
        $child = Invoke-PwshWithDeadline -Arguments (Resolve-Path $script:ModuleManifest).Path, $claude.Projects, $away -Text {
            param($Manifest, $Folder, $Away)
            Import-Module $Manifest
            $files = Get-TokenUsage -Path $Folder -Client claude -NoCache -WarningVariable warnings -WarningAction SilentlyContinue
            $named = Get-TokenUsage -Path $Away -Client claude -NoCache
            [pscustomobject]@{ Paths = @($files.Path); Warnings = @($warnings | ForEach-Object { "$_" }); Named = $named.TotalTokens } | ConvertTo-Json -Compress
        }.ToString()
        $child.Finished | Should -BeTrue
        $result = $child.Output | ConvertFrom-Json
        $result.Paths | Should -Not -Contain $away
        ($result.Warnings -join "`n") | Should -Match 'away\.jsonl. is not read: it is a symbolic link to .*secret\.jsonl., outside'
        $result.Paths | Should -Contain (Join-Path $claude.Projects '-home-me-linked/inside.jsonl')
        $result.Named | Should -Be 784
    }

    It 'refuses a FIFO the user names with an error naming it, and still reads the other paths' {
        $pipe = Join-Path $claude.Projects '-home-me-app/pipe.jsonl'
        $child = Invoke-PwshWithDeadline -Arguments (Resolve-Path $script:ModuleManifest).Path, $pipe, (Join-Path $claude.Projects '-home-me-lib') -Text {
            param($Manifest, $Pipe, $Folder)
            Import-Module $Manifest
            $files = Get-TokenUsage -Path $Pipe, $Folder -Client claude -NoCache -ErrorVariable problems -ErrorAction SilentlyContinue
            [pscustomobject]@{ Tokens = ($files | Measure-Object TotalTokens -Sum).Sum; Errors = @($problems | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Target = "$($_.TargetObject)" } }) } |
                ConvertTo-Json -Compress -Depth 3
        }.ToString()
        $child.Finished | Should -BeTrue -Because 'naming a FIFO must not block'
        $result = $child.Output | ConvertFrom-Json
        @($result.Errors).Count | Should -Be 1
        $result.Errors[0].Id | Should -BeLike 'UnsupportedFile,*'
        $result.Errors[0].Target | Should -Be $pipe
        $result.Tokens | Should -Be $libTokens
    }

    It 'lists the linked ~/.config/claude folder once in Get-TokenUsageSource' {
        $child = Invoke-PwshWithDeadline -Arguments (Resolve-Path $script:ModuleManifest).Path, $userHome -Text {
            param($Manifest, $UserHome)
            $env:HOME = $UserHome
            $env:XDG_CONFIG_HOME = Join-Path $UserHome '.config'
            Import-Module $Manifest
            Get-TokenUsageSource -Client claude | Where-Object Exists | ForEach-Object Root
        }.ToString()
        $paths = @($child.Output -split "`n" | Where-Object { $_.Trim() })
        $paths.Count | Should -Be 1
    }
}

Describe 'Price tables and overrides no provider charges' {
    BeforeAll {
        # This block's own cache folder: the prices it stores stay with it.
        $script:savedCache = $env:XDG_CACHE_HOME
        $env:XDG_CACHE_HOME = Join-Path $TestDrive 'cache'
        $script:good = Build-LiteLlmPriceFile -Path (Join-Path $TestDrive 'good.json') -Rates @{ 'claude-sonnet-4-5' = @{ input_cost_per_token = '4e-06' } }
        Update-TokenPrice -Uri ([uri]::new($good).AbsoluteUri) -Force | Out-Null
        $script:projects = Join-Path $TestDrive 'projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 100000 -OutputTokens 0 -Model 'claude-sonnet-4-5' | Set-Content (Join-Path $project 's.jsonl')
    }
    AfterAll { $env:XDG_CACHE_HOME = $savedCache }

    It 'refuses a table with input_cost_per_token <Rate> and keeps the one in force' -ForEach @(@{ Rate = '7e27' }, @{ Rate = '-3e-06' }, @{ Rate = '1e400' }) {
        $bad = Build-LiteLlmPriceFile -Path (Join-Path $TestDrive 'bad.json') -Rates @{ 'claude-sonnet-4-5' = @{ input_cost_per_token = $Rate } }
        { Update-TokenPrice -Uri ([uri]::new($bad).AbsoluteUri) -Force } | Should -Throw -ErrorId 'InvalidPriceTable,*'
        (Get-TokenPrice -Model claude-sonnet-4-5).Input | Should -Be 4
        $file = Get-TokenUsage -Path $projects -NoCache -ErrorVariable problems
        $problems | Should -BeNullOrEmpty
        $file.Cost | Should -Be 0.4
    }

    It 'passes over a stored table edited to an absurd rate with a warning, and never blames the logs' {
        $stored = Join-Path $env:XDG_CACHE_HOME 'TokUsage/litellm-prices.json'
        $saved = Get-Content -Raw $stored
        try {
            (Get-Content -Raw $stored) -replace '"i":4e-06', '"i":7e27' | Set-Content $stored
            $file = Get-TokenUsage -Path $projects -NoCache -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable problems
            $problems | Should -BeNullOrEmpty
            ($warnings -join "`n") | Should -Match 'is damaged .*embedded snapshot'
            $file.Cost | Should -Be 0.3
        }
        finally { Set-Content -Path $stored -Value $saved -NoNewline }
    }

    It 'stops with InvalidPriceOverride, not an OverflowException, on -PriceOverride Input = <Value>' -ForEach @(@{ Value = 1e30 }, @{ Value = 1e7 }, @{ Value = '1e30' }) {
        { Get-TokenUsage -Path $projects -NoCache -PriceOverride @{ 'claude-sonnet-4-5' = @{ Input = $Value } } } | Should -Throw -ErrorId 'InvalidPriceOverride,*'
    }

    It 'warns that a plain http address can be tampered with' {
        try { Update-TokenPrice -Uri 'http://127.0.0.1:9/prices.json' -TimeoutSec 5 -WarningVariable warnings -WarningAction SilentlyContinue } catch { $_.FullyQualifiedErrorId | Should -BeLike 'PriceDownloadFailed,*' }
        ($warnings -join "`n") | Should -Match 'plain http'
    }
}

Describe 'What the module writes about a user' -Skip:$IsWindows {
    BeforeAll {
        $script:savedCache = $env:XDG_CACHE_HOME
        $env:XDG_CACHE_HOME = Join-Path $TestDrive 'cache'
        # A folder an older version (or a umask of 022) left readable by everyone is tightened too.
        New-Item -ItemType Directory -Force -Path (Join-Path $env:XDG_CACHE_HOME 'TokUsage') | Out-Null
        & chmod 755 (Join-Path $env:XDG_CACHE_HOME 'TokUsage')
        $claude = Build-ClaudeHome -Root (Join-Path $TestDrive 'home') -Days 1
        Get-TokenUsage -Path $claude.Projects | Out-Null
        Update-TokenPrice -Uri ([uri]::new((Build-LiteLlmPriceFile -Path (Join-Path $TestDrive 'prices.json'))).AbsoluteUri) -Force | Out-Null
    }
    AfterAll { $env:XDG_CACHE_HOME = $savedCache }

    # The cache lists every log path, project, session id, model and token count.
    It 'keeps the cache folder 0700 and its files 0600' {
        (Get-Item (Join-Path $env:XDG_CACHE_HOME 'TokUsage')).UnixMode | Should -Be 'drwx------'
        $files = @(Get-ChildItem -Path (Join-Path $env:XDG_CACHE_HOME 'TokUsage') -File)
        $files.Name | Should -Contain 'usage-cache.db'
        $files.Name | Should -Contain 'litellm-prices.json'
        foreach ($file in $files) { $file.UnixMode | Should -Be '-rw-------' -Because $file.Name }
    }

    It 'leaves the mode of a folder the user names with -CachePath, and keeps the cache file in it private' {
        $shared = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'shared')
        & chmod 755 $shared.FullName
        Get-TokenUsage -Path (Join-Path $TestDrive 'home/.claude/projects') -CachePath $shared.FullName | Out-Null
        (Get-Item $shared.FullName).UnixMode | Should -Be 'drwxr-xr-x'
        (Get-Item (Join-Path $shared.FullName 'usage-cache.db')).UnixMode | Should -Be '-rw-------'
    }
}

Describe 'A Codex fork under -Since' {
    BeforeAll {
        $script:codexHome = Join-Path $TestDrive '.codex'
        $parent = Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-parent' -Cwd '/home/me/app' -Requests @(
            [pscustomobject]@{ Input = 5000; Cached = 0; Output = 500; Timestamp = '2026-05-01T08:00:00Z' }
            [pscustomobject]@{ Input = 4000; Cached = 0; Output = 400; Timestamp = '2026-05-01T08:05:00Z' })
        (Get-Item $parent).LastWriteTimeUtc = [datetime]::new(2026, 5, 1, 8, 6, 0, [DateTimeKind]::Utc)
        # Forking on May 5 copies the parent's history into the new rollout, every line re-stamped with the fork time,
        # then the fork goes on (one request of 1,000 + 100 tokens).
        $stamp = '2026-05-05T10:00:00.000Z'
        $lines = @(Get-Content $parent | ForEach-Object { $_ -replace '"timestamp":"[^"]*"', ('"timestamp":"' + $stamp + '"') })
        $meta = @{ timestamp = $stamp; type = 'session_meta'; payload = @{ id = 'cx-fork'; cwd = '/home/me/app'; forked_from_id = 'cx-parent' } } | ConvertTo-Json -Compress -Depth 5
        $next = @{ timestamp = '2026-05-05T10:05:00.000Z'; type = 'event_msg'; payload = @{ type = 'token_count'; info = @{
                    total_token_usage = [ordered]@{ input_tokens = 10000; cached_input_tokens = 0; output_tokens = 1000; reasoning_output_tokens = 0; total_tokens = 11000 }
                    last_token_usage = [ordered]@{ input_tokens = 1000; cached_input_tokens = 0; output_tokens = 100; reasoning_output_tokens = 0; total_tokens = 1100 } } } } | ConvertTo-Json -Compress -Depth 6
        $day = New-Item -ItemType Directory -Force -Path (Join-Path $codexHome 'sessions/2026/05/05')
        @($meta) + $lines + @($next) | Set-Content (Join-Path $day 'rollout-2026-05-05T10-00-00-cx-fork.jsonl')
    }

    # Seen: with -Since on the fork's day the parent (last written before) was passed over before dedup saw its
    # events, so the re-stamped copies counted: 10,300 tokens became 31,200 in one report.
    It 'counts only the fork''s own usage on the fork''s day, with and without -Since' {
        $all = Get-TokenUsage -Path $codexHome -Client codex -TimeZone UTC | Measure-TokenUsage -Total:$false -TimeZone UTC
        ($all | Where-Object Period -EQ '2026-05-05').TotalTokens | Should -Be 1100
        $since = Get-TokenUsage -Path $codexHome -Client codex -Since 2026-05-05 -TimeZone UTC
        $since.SessionId | Should -Be 'cx-fork'
        ($since | Measure-Object TotalTokens -Sum).Sum | Should -Be 1100
    }
}

Describe 'Logs whose names or paths .NET cannot open' -Skip:(-not $IsLinux) {
    BeforeAll {
        $script:root = Join-Path $TestDrive 'claude'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $root 'projects/-home-me-app')
        ConvertTo-ClaudeLine -Id good -RequestId r-good -InputTokens 1000 -OutputTokens 100 | Set-Content (Join-Path $project 'good.jsonl')
        $line = ConvertTo-ClaudeLine -Id lost -RequestId r-lost -InputTokens 5 -OutputTokens 5
        $env:TOKUSAGE_LINE = $line
        # Names that are not UTF-8 (a Latin-1 file system, a copied archive): .NET cannot even spell them.
        & bash -c 'cd "$1" && printf "%s\n" "$TOKUSAGE_LINE" > "$(printf "caf\xe9.jsonl")" && mkdir "$(printf "proj\xff")" && printf "%s\n" "$TOKUSAGE_LINE" > "$(printf "proj\xff")/s.jsonl"' bash $project.FullName
        # Folders nested until a folder's path still opens but its child's is past the 4,095 bytes a path may have (bash
        # gets there with relative cd): .NET lists that child with an empty name and as a broken link, so it was lost.
        & bash -c 'cd "$1" && n=$(printf "d%.0s" $(seq 1 250)) && i=0 && while [ $(( ${#PWD} + 253 )) -le 4095 ]; do i=$((i+1)); mkdir "$n$i" && cd "$n$i"; done && mkdir "${n}x" && cd "${n}x" && printf "%s\n" "$TOKUSAGE_LINE" > s.jsonl' bash (Join-Path $root 'projects').ToString()
        Remove-Item Env:TOKUSAGE_LINE
    }
    # What .NET cannot spell or reach, Pester's TestDrive clean-up cannot delete either.
    AfterAll { & rm -rf $root }

    It 'reports each one as an error naming it (<Id>), and counts every other log' -ForEach @(@{ Id = 'NameNotUtf8'; Count = 2 }, @{ Id = 'PathTooLong'; Count = 1 }) {
        $files = Get-TokenUsage -Path $root -Client claude -NoCache -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        ($files | Measure-Object TotalTokens -Sum).Sum | Should -Be 1100
        $mine = @($problems | Where-Object FullyQualifiedErrorId -Like "$Id,*")
        $mine.Count | Should -Be $Count
        if ($Id -eq 'NameNotUtf8') {
            @($mine.TargetObject) | Should -Contain ($root + '/projects/-home-me-app/caf\xE9.jsonl')
            @($mine.TargetObject) | Should -Contain ($root + '/projects/-home-me-app/proj\xFF')
            $mine[0].Exception.Message | Should -Match 'not valid UTF-8.*rename it'
        }
        else {
            $mine[0].Exception.Message | Should -Match 'bytes long, beyond the 4095 bytes'
        }
    }
}

Describe 'A log naming thousands of unknown models' {
    BeforeAll {
        $script:projects = Join-Path $TestDrive 'projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        $long = 'x' * 5000
        @(1..300 | ForEach-Object { ConvertTo-ClaudeLine -Id "m$_" -RequestId "r$_" -InputTokens 10 -OutputTokens 1 -Model "private-model-$_" }) +
        @(ConvertTo-ClaudeLine -Id long -RequestId r-long -InputTokens 10 -OutputTokens 1 -Model $long) | Set-Content (Join-Path $project 's.jsonl')
    }

    # Seen: 20,000 unpriced models gave 20,000 warnings carrying 5 MB of names.
    It 'warns about the first 20 one by one, sums up the rest in one warning, and keeps each warning short' {
        $file = Get-TokenUsage -Path $projects -NoCache -WarningVariable warnings -WarningAction SilentlyContinue
        $file.TotalTokens | Should -Be 3311
        $file.UnpricedModels.Count | Should -Be 301
        $warnings.Count | Should -Be 21
        "$($warnings[-1])" | Should -Match '^281 more model\(s\) have no price \(301 in all\)'
        foreach ($w in $warnings) { "$w".Length | Should -BeLessThan 600 }
    }
}

Describe 'A string that is not UTF-8 inside a record' {
    BeforeAll {
        $script:codexHome = Join-Path $TestDrive '.codex'
        $path = Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-bytes' -Cwd '/home/me/app' -Requests @(
            [pscustomobject]@{ Input = 1000; Cached = 0; Output = 100; Timestamp = '2026-05-02T08:00:00Z' }
            [pscustomobject]@{ Input = 2000; Cached = 0; Output = 200; Timestamp = '2026-05-02T08:05:00Z' })
        # Found by fuzzing: one byte 0xFF inside the second event's timestamp string (a disk or copy error). JSON
        # parsers accept the line and fail only when the string is read, which ended the whole file's read.
        $bytes = [IO.File]::ReadAllBytes($path)
        $text = [Text.Encoding]::UTF8.GetString($bytes)
        $at = $text.IndexOf('2026-05-02T08:05')
        $bytes[[Text.Encoding]::UTF8.GetByteCount($text.Substring(0, $at)) + 4] = 0xFF
        [IO.File]::WriteAllBytes($path, $bytes)
    }

    It 'is one damaged line, and the rest of the file counts' {
        $file = Get-TokenUsage -Path $codexHome -Client codex -NoCache -WarningAction SilentlyContinue -ErrorVariable problems
        $problems | Should -BeNullOrEmpty
        $file.SkippedLines | Should -Be 1
        $file.TotalTokens | Should -Be 1100
    }
}

Describe 'An agent database in a folder the user cannot write' -Skip:(-not $IsLinux) {
    BeforeAll {
        # OpenCode keeps its database in WAL mode: commits live in opencode.db-wal until a checkpoint. Copy the files
        # while the writer still holds them, as a backup or another account's folder leaves them: the messages are
        # only in the log. Reading any database first loads the module's Microsoft.Data.Sqlite and its engine, which Open-TestSqliteDatabase uses.
        $script:data = Join-Path $TestDrive 'opencode'
        New-Item -ItemType Directory -Force -Path $data | Out-Null
        Set-Content -Path (Join-Path $data 'opencode.db') -Value 'not yet a database'
        Get-TokenUsage -Path $data -Client opencode -NoCache -ErrorAction SilentlyContinue | Out-Null
        $live = Join-Path $TestDrive 'live.db'
        $connection = Open-TestSqliteDatabase -Path $live
        try {
            $command = $connection.CreateCommand()
            $command.CommandText = @'
PRAGMA journal_mode = WAL;
PRAGMA wal_autocheckpoint = 0;
CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL);
INSERT INTO session VALUES ('ses_1', '/home/me/app');
INSERT INTO message VALUES
 ('m1', 'ses_1', '{"role":"assistant","modelID":"claude-sonnet-4-5","time":{"created":1783000000000},"tokens":{"input":100,"output":50,"reasoning":0,"cache":{"read":1000,"write":0}}}'),
 ('m2', 'ses_1', '{"role":"assistant","modelID":"claude-sonnet-4-5","time":{"created":1783000060000},"tokens":{"input":10,"output":5,"reasoning":0,"cache":{"read":0,"write":0}}}');
'@
            $command.ExecuteNonQuery() | Out-Null
            Copy-Item -Path $live -Destination (Join-Path $data 'opencode.db') -Force
            Copy-Item -Path "$live-wal" -Destination (Join-Path $data 'opencode.db-wal')
        }
        finally { $connection.Dispose() }
        & chmod 555 $data
        $script:runChild = {
            param([string] $TempFolder)
            New-Item -ItemType Directory -Force -Path $TempFolder | Out-Null
            $child = Invoke-PwshWithDeadline -Prefix (Get-ModesBindingPrefix) -Arguments (Resolve-Path $script:ModuleManifest).Path, $data, $TempFolder -Text {
                param($Manifest, $Folder, $Temp)
                $env:TMPDIR = $Temp
                Import-Module $Manifest
                $files = Get-TokenUsage -Path $Folder -Client opencode -NoCache -ErrorVariable problems -ErrorAction SilentlyContinue
                [pscustomobject]@{
                    Messages = ($files | Measure-Object Messages -Sum).Sum
                    Tokens   = ($files | Measure-Object TotalTokens -Sum).Sum
                    Errors   = @($problems | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } })
                } | ConvertTo-Json -Compress -Depth 3
            }.ToString()
            $child.Finished | Should -BeTrue
            $child.Output | ConvertFrom-Json
        }
    }
    AfterAll { & chmod 755 $data }

    # SQLite must create opencode.db-shm beside a WAL database to open it, even read-only; it used to fail with only
    # "attempt to write a readonly database" and count nothing.
    It 'counts every committed message, the ones still in the -wal file too, and leaves no copy behind' {
        $temp = Join-Path $TestDrive 'tmp-read'
        $result = & $runChild $temp
        $result.Errors | Should -BeNullOrEmpty
        $result.Messages | Should -Be 2
        $result.Tokens | Should -Be 1165
        Test-Path (Join-Path $data 'opencode.db-shm') | Should -BeFalse
        @(Get-ChildItem -Force $temp) | Should -BeNullOrEmpty
    }

    It 'says what SQLite needs and what to do when the database cannot be read at all' {
        & chmod 000 (Join-Path $data 'opencode.db')
        try { $result = & $runChild (Join-Path $TestDrive 'tmp-fail') }
        finally { & chmod 644 (Join-Path $data 'opencode.db') }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Id | Should -BeLike 'FileUnreadable,*'
        $result.Errors[0].Message | Should -Match "opencode\.db-shm' created beside it, so its folder '.*opencode' must be writable by you"
        $result.Errors[0].Message | Should -Match 'copy the database with its ''-wal'' file'
    }
}

Describe 'The SQLite engine missing for a moment' -Skip:(-not $IsLinux) {
    # A failed load of the native engine used to stay failed for the whole session: every database was unreadable until
    # PowerShell was restarted. Now the next read tries again.
    It 'is an error naming the engine while it is missing, and databases read again once it is back, in the same session' {
        $data = Join-Path $TestDrive 'engine/opencode'
        New-Item -ItemType Directory -Force -Path $data | Out-Null
        $path = Join-Path $data 'opencode.db'
        Set-Content -Path $path -Value 'not yet a database'
        Get-TokenUsage -Path $data -Client opencode -NoCache -ErrorAction SilentlyContinue | Out-Null   # loads the module's SQLite here
        Remove-Item -LiteralPath $path
        $connection = Open-TestSqliteDatabase -Path $path
        try {
            $command = $connection.CreateCommand()
            $command.CommandText = "CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL); CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL); INSERT INTO session VALUES ('ses_1', '/w'); INSERT INTO message VALUES ('m1', 'ses_1', '{""role"":""assistant"",""modelID"":""claude-sonnet-4-5"",""time"":{""created"":1783000000000},""tokens"":{""input"":100,""output"":50,""reasoning"":0,""cache"":{""read"":0,""write"":0}}}');"
            $command.ExecuteNonQuery() | Out-Null
        }
        finally { $connection.Dispose() }

        $module = Join-Path $TestDrive 'module/TokUsage'
        Copy-Item -Recurse -Path (Split-Path (Resolve-Path $script:ModuleManifest).Path) -Destination $module
        $child = Invoke-PwshWithDeadline -Arguments (Join-Path $module 'TokUsage.psd1'), (Join-Path $module 'runtimes/linux-x64'), $data -Text {
            param($Manifest, $Engine, $Folder)
            Import-Module $Manifest
            Rename-Item -LiteralPath $Engine -NewName 'linux-x64.away'
            $before = @(Get-TokenUsage -Path $Folder -Client opencode -NoCache -ErrorVariable missing -ErrorAction SilentlyContinue)
            Rename-Item -LiteralPath "$Engine.away" -NewName 'linux-x64'
            $after = @(Get-TokenUsage -Path $Folder -Client opencode -NoCache -ErrorVariable later -ErrorAction SilentlyContinue)
            [pscustomobject]@{
                Missing = @($missing | ForEach-Object { $_.Exception.Message }); Before = $before.Count
                Later = @($later | ForEach-Object { $_.Exception.Message }); Tokens = ($after | Measure-Object TotalTokens -Sum).Sum
            } | ConvertTo-Json -Compress
        }.ToString()
        $child.Finished | Should -BeTrue
        $result = $child.Output | ConvertFrom-Json
        $result.Before | Should -Be 0
        @($result.Missing).Count | Should -Be 1
        $result.Missing[0] | Should -Match 'no SQLite engine for linux-x64'
        $result.Later | Should -BeNullOrEmpty
        $result.Tokens | Should -Be 150
    }
}
