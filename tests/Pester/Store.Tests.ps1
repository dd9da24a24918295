# The usage store (issue 16), as a user meets it: history saved with Save-TokenUsage stays exactly the same after the
# agents delete their logs, saving is idempotent and safe when two runs save at once or one is killed mid-save, and a
# store that is not one is never overwritten. Expected totals come from what the generated homes wrote.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-DayTotal {
        param([Parameter(ValueFromPipeline)] $InputObject)
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { $all | Measure-TokenUsage -By Day -TimeZone UTC -Total:$false | ForEach-Object { '{0} {1} {2} {3}' -f $_.Period, $_.TotalTokens, (Format-Usd $_.Cost), $_.Messages } }
    }

    function Get-ExpectedDay {
        param([object[]] $Messages)
        $Messages | Group-Object Day | Sort-Object Name | ForEach-Object {
            $tokens = ($_.Group | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum
            '{0} {1} {2} {3}' -f $_.Name, $tokens, (Format-Usd (Get-ExpectedCost $_.Group)), $_.Count
        }
    }

    # A cost as text, whatever its decimal scale (0.0937500 and 0.09375000 are one amount).
    function Format-Usd {
        param([decimal] $Amount)
        $Amount.ToString('0.############', [cultureinfo]::InvariantCulture)
    }

    # The total row of a fold.
    function Get-Total {
        param([Parameter(ValueFromPipeline)] $InputObject)
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { $all | Measure-TokenUsage -Total | Where-Object IsTotal }
    }

    # The number of messages in a store, as Save-TokenUsage reports it after saving nothing.
    function Get-StoredCount {
        param([string] $Store)
        (@() | Save-TokenUsage -StorePath $Store).StoredMessages
    }
}

Describe 'History that outlives the logs' {
    BeforeEach {
        $script:root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $script:claude = Build-ClaudeHome -Root $root -Days 4
        $script:store = Join-Path $root 'store/usage.db'
    }

    It 'reports every day exactly as before after the logs of the first days are deleted' {
        $expected = Get-ExpectedDay $claude.Messages
        $before = Get-TokenUsage -Path $claude.Projects -StorePath $store | Get-DayTotal
        $before | Should -Be $expected

        $saved = Get-TokenUsage -Path $claude.Projects -StorePath $store | Save-TokenUsage -StorePath $store
        $saved.Added | Should -Be $claude.Messages.Count
        $saved.StoredMessages | Should -Be $claude.Messages.Count

        # As Claude Code's cleanupPeriodDays does: the transcripts of the first two days are deleted.
        $deleted = Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Where-Object { $_.BaseName -match '-(0|1)$' }
        $deleted.Count | Should -Be 4
        $deleted | Remove-Item

        $objects = @(Get-TokenUsage -Path $claude.Projects -StorePath $store)
        Get-DayTotal -InputObject $objects | Should -Be $expected -Because 'the store keeps what the logs no longer hold'
        $archived = @($objects | Where-Object Archived)
        @($archived.Path | Sort-Object) | Should -Be @($deleted.FullName | Sort-Object)
        $live = @($objects | Where-Object { -not $_.Archived })
        $live.Count | Should -Be 4
        @($archived.Project | Sort-Object -Unique) | Should -Be @($live.Project | Sort-Object -Unique) -Because 'an archived object keeps its project'
        @($archived.SessionId | Sort-Object) | Should -Be @($deleted.BaseName | Sort-Object)

        # -NoStore reads the logs alone: the deleted days are gone from it.
        (Get-TokenUsage -Path $claude.Projects -NoStore | Get-DayTotal) | Should -Be ($expected | Select-Object -Skip 2)
    }

    It 'saves nothing twice, and after an append saves only the new message' {
        (Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store).Added | Should -Be 32
        $again = Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store
        $again.Added | Should -Be 0
        $again.AlreadyStored | Should -Be 32

        $file = Get-ChildItem -Recurse -Filter 'sess-app-3.jsonl' $claude.Projects
        Add-Content -Path $file.FullName -Value (ConvertTo-ClaudeLine -Id 'msg_new' -RequestId 'req_new' -InputTokens 5 -OutputTokens 5 -Timestamp '2026-05-04T23:00:00Z' -Cwd '/home/me/app' -SessionId 'sess-app-3')
        $after = Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store
        $after.Added | Should -Be 1
        $after.StoredMessages | Should -Be 33

        # A resumed session's file repeats the original's messages: they stay one message each in the store.
        $copy = Join-Path $file.DirectoryName 'sess-app-3-resumed.jsonl'
        Copy-Item $file.FullName $copy
        (Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store).Added | Should -Be 0
        Remove-Item $file.FullName
        (Get-TokenUsage -Path $claude.Projects -StorePath $store | Get-DayTotal) | Should -Be (Get-TokenUsage -Path $claude.Projects -StorePath $store -NoCache | Get-DayTotal)
        ((Get-TokenUsage -Path $claude.Projects -StorePath $store | Get-Total).TotalTokens) | Should -Be (($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum + 10)
    }

    It 'prices archived history with the prices of the run (the store keeps tokens)' {
        Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store | Out-Null
        Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Remove-Item
        $override = @{ 'claude-sonnet-4-5-20250929' = @{ Input = 1; Output = 1; CacheRead = 1; CacheWrite = 1 }; 'claude-opus-4-1-20250805' = @{ Input = 1; Output = 1; CacheRead = 1; CacheWrite = 1 } }
        $total = Get-TokenUsage -Path $claude.Projects -StorePath $store -PriceOverride $override | Get-Total
        $tokens = ($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum
        $total.TotalTokens | Should -Be $tokens
        $total.Cost | Should -Be ([decimal]$tokens / 1000000)
    }

    It 'keeps the store readable by its user only' -Skip:($IsWindows) {
        Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store | Out-Null
        # .NET's own view of the mode (GNU `stat -c` does not exist on macOS).
        (Get-Item -LiteralPath $store).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Item -LiteralPath (Split-Path $store)).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        foreach ($companion in "$store-wal", "$store-shm") {
            if (Test-Path $companion) { (Get-Item -LiteralPath $companion).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        }
    }

    It 'finds the store in the user data folder by default, apart from the cache' {
        $data = Join-Path $root 'xdg-data'
        $saved = $env:XDG_DATA_HOME
        try {
            $env:XDG_DATA_HOME = $data
            (Get-TokenUsage -Path $claude.Projects | Save-TokenUsage).StorePath | Should -Be (Join-Path $data 'TokUsage/usage.db')
            Clear-TokenUsageCache -Confirm:$false
            Test-Path (Join-Path $data 'TokUsage/usage.db') | Should -BeTrue -Because 'clearing the cache leaves the store'
            Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Remove-Item
            (Get-TokenUsage -Path $claude.Projects | Get-Total).Messages | Should -Be 32
        }
        finally {
            $env:XDG_DATA_HOME = $saved
        }
    }
}

Describe 'Saving when runs overlap or die' {
    BeforeEach {
        $script:root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        # 20 days: every request stays under 200,000 input tokens, where the flat rates of Get-ExpectedCost apply.
        $script:claude = Build-ClaudeHome -Root $root -Days 20
        $script:store = Join-Path $root 'store/usage.db'
        $script:manifest = (Resolve-Path $script:ModuleManifest).Path
        $script:total = $claude.Messages.Count
    }

    It 'counts every message once when two runs save the same history at once' {
        $script = "Import-Module '$manifest'; `$r = Get-TokenUsage -Path '$($claude.Projects)' -NoCache | Save-TokenUsage -StorePath '$store' -BatchSize 7; `$r.Added"
        $pwsh = @(Get-PwshCommand)
        $runs = foreach ($i in 1..2) {
            $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
            foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $start.ArgumentList.Add($a) }
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            [System.Diagnostics.Process]::Start($start)
        }
        $added = foreach ($run in $runs) {
            $out = $run.StandardOutput.ReadToEnd()
            $err = $run.StandardError.ReadToEnd()
            $run.WaitForExit()
            $run.ExitCode | Should -Be 0 -Because $err
            [long]($out.Trim())
        }
        ($added | Measure-Object -Sum).Sum | Should -Be $total -Because 'each message was added by exactly one of the runs'
        Get-StoredCount $store | Should -Be $total
        Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Remove-Item
        (Get-TokenUsage -Path $claude.Projects -StorePath $store | Get-DayTotal) | Should -Be (Get-ExpectedDay $claude.Messages)
    }

    It 'loses at most the unfinished batch when killed mid-save, and the next save completes it' {
        # Slowed per file so the kill lands mid-save; batches of 4 messages (each file holds 4).
        $text = "Import-Module '$manifest'; Get-TokenUsage -Path '$($claude.Projects)' -NoCache | ForEach-Object { Start-Sleep -Milliseconds 40; `$_ } | Save-TokenUsage -StorePath '$store' -BatchSize 4"
        $pwsh = @(Get-PwshCommand)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $text)) { $start.ArgumentList.Add($a) }
        $child = [System.Diagnostics.Process]::Start($start)
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while ([datetime]::UtcNow -lt $deadline -and -not ((Test-Path $store) -and (Get-StoredCount $store) -ge 40)) { Start-Sleep -Milliseconds 50 }
        & kill -9 $child.Id
        $child.WaitForExit()

        $kept = Get-StoredCount $store
        $kept | Should -BeGreaterOrEqual 40
        $kept | Should -BeLessThan $total -Because 'the save was killed before its end'
        ($kept % 4) | Should -Be 0 -Because 'only whole batches are kept'

        $next = Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $store
        $next.Added | Should -Be ($total - $kept)
        $next.StoredMessages | Should -Be $total
        Get-ChildItem -Recurse -Filter '*.jsonl' $claude.Projects | Remove-Item
        (Get-TokenUsage -Path $claude.Projects -StorePath $store | Get-DayTotal) | Should -Be (Get-ExpectedDay $claude.Messages)
    }
}

Describe 'A file that is not a usage store' {
    BeforeEach {
        $script:root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $script:claude = Build-ClaudeHome -Root $root -Days 1
    }

    It 'is refused by Save-TokenUsage and never written: <Case>' -ForEach @(
        @{ Case = 'text'; Bytes = [Text.Encoding]::UTF8.GetBytes("my notes`n" * 200) }
        @{ Case = 'damaged SQLite header'; Bytes = [byte[]](@([Text.Encoding]::ASCII.GetBytes("SQLite format 3`0")) + @(1..4080 | ForEach-Object { 7 })) }
    ) {
        $path = Join-Path $root 'foreign.db'
        [IO.File]::WriteAllBytes($path, $Bytes)
        $hash = (Get-FileHash $path).Hash
        $err = $null
        try { Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $path } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'StoreNotUsable*'
        $err.Exception.Message | Should -BeLike "*$path*"
        (Get-FileHash $path).Hash | Should -Be $hash

        # Get-TokenUsage says so and still counts every log.
        $objects = @(Get-TokenUsage -Path $claude.Projects -StorePath $path -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'StoreNotUsable*' }).Count | Should -Be 1
        ($objects | Measure-Object Messages -Sum).Sum | Should -Be 8
        (Get-FileHash $path).Hash | Should -Be $hash
    }

    It 'rejects -StorePath with -NoStore, and a folder as -StorePath' {
        { Get-TokenUsage -Path $claude.Projects -StorePath (Join-Path $root 's.db') -NoStore } | Should -Throw -ErrorId 'StorePathWithNoStore*'
        { Get-TokenUsage -Path $claude.Projects | Save-TokenUsage -StorePath $root } | Should -Throw -ErrorId 'InvalidStorePath*'
    }

    It 'refuses objects that lost their dedup keys (read back from Clixml)' {
        $file = Join-Path $root 'usage.xml'
        Get-TokenUsage -Path $claude.Projects | Export-Clixml -Path $file
        $null = Import-Clixml $file | Save-TokenUsage -StorePath (Join-Path $root 's.db') -ErrorVariable problems -ErrorAction SilentlyContinue
        @($problems).Count | Should -BeGreaterThan 0
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidInputObject*'
    }
}
