# Every output type works with the everyday object cmdlets: Export-Csv, ConvertTo-Json, Sort-Object, Group-Object,
# Select-Object, and survives Start-Job / Receive-Job so Measure-TokenUsage folds it there too.

BeforeDiscovery {
    $script:kinds = @(
        @{ Kind = 'UsageFile' }, @{ Kind = 'UsageEntry' }, @{ Kind = 'PeriodSummary' }, @{ Kind = 'SessionSummary' },
        @{ Kind = 'GroupSummary' }, @{ Kind = 'ModelBreakdown' }, @{ Kind = 'UsageSource' }, @{ Kind = 'TokenPrice' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:claude = Build-ClaudeHome -Root (Join-Path $TestDrive 'home')
    $script:files = @(Get-TokenUsage -Path $claude.Projects)
    $script:sample = @{
        UsageFile      = $files
        UsageEntry     = @($files | ForEach-Object Entries)
        PeriodSummary  = @($files | Measure-TokenUsage -By Day -TimeZone UTC -Total:$false)
        SessionSummary = @($files | Measure-TokenUsage -By Session -Total:$false)
        GroupSummary   = @($files | Measure-TokenUsage -By Model -Total:$false)
        ModelBreakdown = @($files | Measure-TokenUsage -By Day -TimeZone UTC -Breakdown -Total:$false | ForEach-Object Breakdown)
        UsageSource    = @(Get-TokenUsageSource -Client claude, codex)
        TokenPrice     = @(Get-TokenPrice 'claude-*4-5*')
    }
    $script:sortKey = @{
        UsageFile = 'Cost'; UsageEntry = 'TotalTokens'; PeriodSummary = 'Cost'; SessionSummary = 'TotalTokens'; GroupSummary = 'Cost'
        ModelBreakdown = 'Cost'; UsageSource = 'Files'; TokenPrice = 'Input'
    }
    $script:groupKey = @{
        UsageFile = 'Project'; UsageEntry = 'Model'; PeriodSummary = 'TimeZone'; SessionSummary = 'Project'; GroupSummary = 'By'
        ModelBreakdown = 'Model'; UsageSource = 'Client'; TokenPrice = 'Match'
    }
}

Describe '<Kind> objects' -ForEach $kinds {
    BeforeAll { $script:objects = $sample[$Kind] }

    It 'are TokUsage.<Kind> objects' {
        $objects.Count | Should -BeGreaterThan 1
        $objects[0].PSObject.TypeNames | Should -Contain "TokUsage.$Kind"
    }

    It 'export to CSV with one row each and readable cells' {
        $csv = Join-Path $TestDrive "$Kind.csv"
        $objects | Export-Csv -Path $csv
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be $objects.Count
        Get-Content $csv -Raw | Should -Not -Match 'System\.String\[\]|TokUsage\.NameList|System\.Collections'
        $first = $objects[0].PSObject.Properties | Where-Object { $_.Value -is [long] -or $_.Value -is [decimal] } | Select-Object -First 1
        if ($first) { [decimal]$rows[0].($first.Name) | Should -Be ([decimal]$first.Value) }
    }

    It 'convert to JSON and back with their numbers and name lists' {
        $back = @($objects | ConvertTo-Json -Depth 4 | ConvertFrom-Json)
        $back.Count | Should -Be $objects.Count
        foreach ($name in 'TotalTokens', 'Cost', 'Files', 'Input') {
            if ($objects[0].PSObject.Properties[$name]) { $back[0].$name | Should -Be $objects[0].$name }
        }
        if ($objects[0].PSObject.Properties['Models']) { @($back[0].Models) | Should -Be @($objects[0].Models) }
    }

    It 'sort, group and select by their properties' {
        $key = $sortKey[$Kind]
        $sorted = @($objects | Sort-Object $key -Descending)
        $sorted[0].$key | Should -Be (($objects | Measure-Object $key -Maximum).Maximum)
        $groups = @($objects | Group-Object $groupKey[$Kind])
        ($groups | Measure-Object Count -Sum).Sum | Should -Be $objects.Count
        $picked = $objects | Select-Object -First 1 -Property $key, $groupKey[$Kind]
        $picked.PSObject.Properties.Name | Should -Be @($key, $groupKey[$Kind])
    }

    It 'come back from a job formatted and whole' {
        $manifest = (Resolve-Path $script:ModuleManifest).Path
        $kind = $Kind
        $projects = $claude.Projects
        $back = @(Start-Job {
                Import-Module $using:manifest
                $files = @(Get-TokenUsage -Path $using:projects)
                switch ($using:kind) {
                    'UsageFile' { $files }
                    'UsageEntry' { $files | ForEach-Object Entries }
                    'PeriodSummary' { $files | Measure-TokenUsage -By Day -TimeZone UTC -Total:$false }
                    'SessionSummary' { $files | Measure-TokenUsage -By Session -Total:$false }
                    'GroupSummary' { $files | Measure-TokenUsage -By Model -Total:$false }
                    'ModelBreakdown' { $files | Measure-TokenUsage -By Day -TimeZone UTC -Breakdown -Total:$false | ForEach-Object Breakdown }
                    'UsageSource' { Get-TokenUsageSource -Client claude, codex }
                    'TokenPrice' { Get-TokenPrice 'claude-*4-5*' }
                }
            } | Receive-Job -Wait -AutoRemoveJob)
        $back.Count | Should -Be $objects.Count
        $back[0].PSObject.TypeNames[0] | Should -BeLike "Deserialized.TokUsage.$Kind*"
        $lines = $back | Get-ViewLine -Width 80
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[1] | Should -Match '^-+'   # a table, not a list
    }
}

Describe 'A usage object once emitted' {
    # UsageFile says it is immutable: its lists are read-only views, so a script cannot change what another consumer of
    # the same object (a Measure-TokenUsage after a Tee-Object, a store) sees.
    It 'cannot have its messages or model lists changed' {
        $file = $files[0]
        $count = $file.Entries.Count
        { $file.Entries.Clear() } | Should -Throw
        { $file.Entries.Add($file.Entries[0]) } | Should -Throw
        { $file.Entries[0] = $null } | Should -Throw
        { $file.Models.Clear() } | Should -Throw
        { $file.Entries[0].InputTokens = 1 } | Should -Throw
        $file.Entries.Count | Should -Be $count
        $file.Entries -is [System.Collections.IList] | Should -BeFalse
    }
}

Describe 'Measure-TokenUsage over job output' {
    It 'folds usage files received from Start-Job exactly as typed ones, by <By>' -ForEach @(@{ By = 'Day' }, @{ By = 'Session' }, @{ By = 'Model' }, @{ By = 'Project' }) {
        $manifest = (Resolve-Path $script:ModuleManifest).Path
        $projects = $claude.Projects
        $viaJob = Start-Job { Import-Module $using:manifest; Get-TokenUsage -Path $using:projects } | Receive-Job -Wait -AutoRemoveJob | Measure-TokenUsage -By $By -TimeZone UTC -Total:$false
        $direct = $files | Measure-TokenUsage -By $By -TimeZone UTC -Total:$false
        $viaJob.Count | Should -Be $direct.Count
        foreach ($i in 0..($direct.Count - 1)) {
            $viaJob[$i].TotalTokens | Should -Be $direct[$i].TotalTokens
            $viaJob[$i].Cost | Should -Be $direct[$i].Cost
            $viaJob[$i].Messages | Should -Be $direct[$i].Messages
        }
        ($viaJob | Measure-Object TotalTokens -Sum).Sum | Should -Be (($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum)
    }
}
