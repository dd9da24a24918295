# What a new user meets in the first five minutes in a real terminal (issue: real pwsh and the first five minutes).
# Each Describe is one of the defects found by trying the module as a new user would; expectations come from what the
# specs wrote into the generated homes, priced with the providers' published rates (TestHelpers.ps1).

BeforeDiscovery {
    # The exported cmdlets, from the manifest (tests are generated per cmdlet before the module is imported).
    $manifest = if ($env:TOKUSAGE_TEST_MODULE) { $env:TOKUSAGE_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/TokUsage/TokUsage.psd1' }
    $script:cmdlets = (Import-PowerShellDataFile $manifest).CmdletsToExport
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:root = Join-Path $TestDrive 'home'
    $script:claude = Build-ClaudeHome -Root $root
    $script:projects = $claude.Projects
    $script:codexHome = Join-Path $root '.codex'
    $script:codexRequests = @(
        [pscustomobject]@{ Input = 5000; Cached = 3000; Output = 400; Timestamp = '2026-05-02T08:00:00Z' }
        [pscustomobject]@{ Input = 7000; Cached = 6000; Output = 600; Timestamp = '2026-05-02T08:05:00Z' }
    )
    Build-CodexRollout -CodexHome $codexHome -SessionId 'cx-1' -Cwd '/home/me/app/' -Requests $codexRequests | Out-Null
    $script:claudeTokens = ($claude.Messages | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum
    $script:codexTokens = ($codexRequests | ForEach-Object { $_.Input + $_.Output } | Measure-Object -Sum).Sum
}

Describe 'Default views show the name, Total and Cost at 80 columns' {
    It 'fits -By <By> in 80 columns with its Total row, and shows more at 120' -ForEach @(
        @{ By = 'Day'; Label = 'Period'; Wide = 'Output' }, @{ By = 'Week'; Label = 'Period'; Wide = 'Output' }, @{ By = 'Month'; Label = 'Period'; Wide = 'Output' },
        @{ By = 'Hour'; Label = 'Period'; Wide = 'Output' }, @{ By = 'Session'; Label = 'Project'; Wide = 'SessionId' }, @{ By = 'Project'; Label = 'Project'; Wide = 'Output' },
        @{ By = 'Model'; Label = 'Model'; Wide = 'Output' }, @{ By = 'Client'; Label = 'Client'; Wide = 'Cache Read' }
    ) {
        $rows = Get-TokenUsage -Path $projects | Measure-TokenUsage -By $By -TimeZone UTC
        $total = $rows | Where-Object IsTotal
        $total.TotalTokens | Should -Be $claudeTokens
        foreach ($width in 80, 120) {
            $lines = $rows | Get-ViewLine -Width $width
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $width }
            $lines[0] | Should -Match "^$Label\b"
            $lines[0] | Should -Match '\bTotal\b'
            $lines[0] | Should -Match 'Cost \(USD\)'
            $lines | Should -Not -Match "$([char]0x2026)\d"   # no number cut short (an ellipsis before a digit)
            ($lines | Select-Object -Last 1) | Should -Match ([regex]::Escape($claudeTokens.ToString('N0')))
            ($lines | Select-Object -Last 1) | Should -Match ([regex]::Escape($total.Cost.ToString('N2')))
        }
        ($rows | Get-ViewLine -Width 80)[0] | Should -Not -Match $Wide
        ($rows | Get-ViewLine -Width 120)[0] | Should -Match $Wide
    }

    It 'fits usage files, entries, sources and prices in 80 columns with Total and Cost where they have them' {
        $files = Get-TokenUsage -Path $projects
        foreach ($case in @(
                @{ Objects = $files; Header = '^Client\s+Start \(UTC\)\s+Total\s+Cost \(USD\)' }
                @{ Objects = $files[0].Entries; Header = '^Timestamp \(UTC\)\s+Model\s+Total\s+Cost \(USD\)' }
                @{ Objects = (Get-TokenUsageSource -Client claude); Header = '^Client\s+Files\s+MB\s+Root' }
                @{ Objects = (Get-TokenPrice claude-sonnet-4-5); Header = '^Model\s+Input\s+Output' })) {
            $lines = $case.Objects | Get-ViewLine -Width 80
            $lines[0] | Should -Match $case.Header
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        }
    }

    It 'adds the Total row only where the rows end the pipeline, and on request' {
        $ended = Get-TokenUsage -Path $projects | Measure-TokenUsage -By Project
        @($ended | Where-Object IsTotal).Count | Should -Be 1
        $ended[-1].Name | Should -Be 'Total'
        ($ended | Where-Object { -not $_.IsTotal } | Measure-Object TotalTokens -Sum).Sum | Should -Be $ended[-1].TotalTokens
        @(Get-TokenUsage -Path $projects | Measure-TokenUsage -By Project | Where-Object IsTotal).Count | Should -Be 0
        @(Get-TokenUsage -Path $projects | Measure-TokenUsage -By Project -Total:$false).Count | Should -Be 2
        @(Get-TokenUsage -Path $projects | Measure-TokenUsage -By Project -Total | Where-Object IsTotal).Count | Should -Be 1
    }

    It 'states costs that the providers published rates give' {
        $total = Get-TokenUsage -Path $projects | Measure-TokenUsage -By Month -TimeZone UTC -Total | Where-Object IsTotal
        [math]::Round($total.Cost, 6) | Should -Be ([math]::Round((Get-ExpectedCost $claude.Messages), 6))
    }
}

Describe '-Since and -Until take the day forms people type' {
    It 'accepts <Form> as the same day' -ForEach @(
        @{ Form = 'yyyyMMdd text'; Value = '20260502' }, @{ Form = 'yyyyMMdd number'; Value = 20260502 },
        @{ Form = 'yyyy-MM-dd'; Value = '2026-05-02' }, @{ Form = 'DateTime'; Value = [datetime]'2026-05-02' },
        @{ Form = 'DateTimeOffset'; Value = [datetimeoffset]'2026-05-02T00:00:00+00:00' }
    ) {
        $expected = ($claude.Messages | Where-Object Day -ge '2026-05-02' | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum
        $rows = Get-TokenUsage -Path $projects -Since $Value -TimeZone UTC | Measure-TokenUsage -Total:$false
        ($rows | Measure-Object TotalTokens -Sum).Sum | Should -Be $expected
        $rows.Period | Should -Be @('2026-05-02', '2026-05-03')
        (Get-TokenUsage -Path $projects -Until $Value -TimeZone UTC | Measure-TokenUsage -Total:$false).Period | Should -Be @('2026-05-01', '2026-05-02')
    }

    It 'rejects <Value> with a parameter error that lists the forms' -ForEach @(@{ Value = 'nonsense' }, @{ Value = '2025-13-45' }, @{ Value = '00010101' }) {
        { Get-TokenUsage -Path $projects -Since $Value } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,TokUsage.Commands.GetTokenUsageCommand' -ExpectedMessage '*'
        try { Get-TokenUsage -Path $projects -Until $Value } catch { $_.Exception.Message | Should -Match 'yyyyMMdd|outside' }
    }
}

Describe 'The -TimeZone given to Get-TokenUsage holds through the pipeline' {
    BeforeAll {
        $script:tz = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'tz/projects/-home-me-tz')
        @(
            (ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 100 -OutputTokens 1 -Timestamp '2026-05-01T23:30:00Z')
            (ConvertTo-ClaudeLine -Id m2 -RequestId r2 -InputTokens 200 -OutputTokens 2 -Timestamp '2026-05-02T00:30:00Z')
        ) | Set-Content -Path (Join-Path $tz 's.jsonl')
    }

    It 'cuts days in the zone Get-TokenUsage was given' {
        $rows = Get-TokenUsage -Path (Join-Path $TestDrive 'tz') -TimeZone Asia/Tokyo -Since 2026-05-02 | Measure-TokenUsage -Total:$false
        $rows.Period | Should -Be @('2026-05-02')
        $rows.TimeZone | Should -Be 'Asia/Tokyo'
        $rows.TotalTokens | Should -Be 303
    }

    It 'lets Measure-TokenUsage -TimeZone override it' {
        (Get-TokenUsage -Path (Join-Path $TestDrive 'tz') -TimeZone Asia/Tokyo | Measure-TokenUsage -TimeZone UTC -Total:$false).Period | Should -Be @('2026-05-01', '2026-05-02')
    }
}

Describe '-Breakdown is visible' {
    It 'shows each model as a sub-row under its period and keeps the period on every breakdown row' {
        $rows = Get-TokenUsage -Path $projects | Measure-TokenUsage -By Day -TimeZone UTC -Breakdown
        $lines = $rows | Get-ViewLine -Width 80
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $at = [array]::IndexOf($lines, ($lines | Where-Object { $_ -like '2026-05-01*' }))
        $lines[$at + 1] | Should -Match '^  (sonnet-4-5|opus-4-1)\s'
        $lines[$at + 2] | Should -Match '^  (sonnet-4-5|opus-4-1)\s'
        $parts = $rows | Where-Object { -not $_.IsTotal } | ForEach-Object Breakdown
        $parts.Count | Should -Be 6
        ($parts | Where-Object Group -eq '2026-05-01' | Measure-Object TotalTokens -Sum).Sum | Should -Be ($rows | Where-Object Period -eq '2026-05-01').TotalTokens
        $parts.Group | Sort-Object -Unique | Should -Be @('2026-05-01', '2026-05-02', '2026-05-03')
    }
}

Describe 'One project has one name across clients' {
    It 'groups Claude Code and Codex CLI by the working directory their logs record' {
        $rows = Get-TokenUsage -Path $projects, $codexHome | Measure-TokenUsage -By Project -Total:$false
        $rows.Name | Should -Be @('/home/me/app', '/home/me/lib')
        $app = $rows | Where-Object Name -eq '/home/me/app'
        @($app.Clients) | Should -Be @('claude', 'codex')
        $appClaude = ($claude.Messages | Where-Object Project -eq '/home/me/app' | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum
        $app.TotalTokens | Should -Be ($appClaude + $codexTokens)
    }
}

Describe 'Warnings are about what the user named' {
    BeforeEach { $script:savedHome = $env:HOME; $env:HOME = $root }
    AfterEach { $env:HOME = $savedHome; Remove-Item Env:AMP_DATA_DIR -ErrorAction SilentlyContinue }

    It 'does not warn about a client folder below a shared XDG_DATA_HOME that does not exist' {
        $env:XDG_DATA_HOME | Should -Not -BeNullOrEmpty
        Get-TokenUsage -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned | Where-Object { "$_" -match 'does not exist' } | Should -BeNullOrEmpty
    }

    It 'warns about a missing folder named by the client''s own variable' {
        $env:AMP_DATA_DIR = Join-Path $TestDrive 'no-amp'
        Get-TokenUsage -Client amp -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        "$warned" | Should -Match 'AMP_DATA_DIR'
    }
}

Describe 'Sources bind to Get-TokenUsage' {
    BeforeEach { $script:savedHome = $env:HOME; $env:HOME = $root }
    AfterEach { $env:HOME = $savedHome }

    It 'reads each existing source as its own client' {
        $files = Get-TokenUsageSource -Existing | Get-TokenUsage -ErrorVariable failed -WarningAction SilentlyContinue
        $failed | Should -BeNullOrEmpty
        ($files | Where-Object Client -eq 'claude' | Measure-Object TotalTokens -Sum).Sum | Should -Be $claudeTokens
        ($files | Where-Object Client -eq 'codex' | Measure-Object TotalTokens -Sum).Sum | Should -Be $codexTokens
    }

    It 'reads folders piped from Get-ChildItem' {
        (Get-ChildItem $projects | Get-TokenUsage | Measure-Object TotalTokens -Sum).Sum | Should -Be $claudeTokens
    }
}

Describe 'Get-TokenUsageSource counts what Get-TokenUsage reads' {
    # A folder two clients' default folders both hold (here CODEX_HOME set inside ~/.claude): each file is one client's,
    # the one whose marker folder is nearest. Get-TokenUsageSource used to count such a file for both.
    BeforeAll {
        $script:nested = Join-Path $TestDrive 'nested-home'
        $inside = Join-Path $nested '.claude/projects/-home-me-tools'
        New-Item -ItemType Directory -Force -Path $inside | Out-Null
        ConvertTo-ClaudeLine -Id 'msg_n1' -RequestId 'req_n1' -InputTokens 100 -OutputTokens 10 -Cwd '/home/me/tools' -SessionId 'n1' | Set-Content -Path (Join-Path $inside 'n1.jsonl')
        $script:rollout = Build-CodexRollout -CodexHome (Join-Path $inside 'codex-home') -SessionId 'cx-n' -Cwd '/home/me/tools' -Requests @(
            [pscustomobject]@{ Input = 500; Cached = 0; Output = 50; Timestamp = '2026-05-01T10:00:00Z' })
    }
    BeforeEach { $script:saved = @{ HOME = $env:HOME; CODEX_HOME = $env:CODEX_HOME }; $env:HOME = $nested; $env:CODEX_HOME = Join-Path $nested '.claude/projects/-home-me-tools/codex-home' }
    AfterEach { $env:HOME = $saved.HOME; $env:CODEX_HOME = $saved.CODEX_HOME }

    It 'gives a file two clients'' folders hold to one of them, as Get-TokenUsage does' {
        $sources = @(Get-TokenUsageSource -Client claude, codex -Existing)
        ($sources | Where-Object Client -EQ codex | Measure-Object Files -Sum).Sum | Should -Be 0
        ($sources | Where-Object Client -EQ claude | Measure-Object Files -Sum).Sum | Should -Be 2
        $read = @(Get-TokenUsage -Client claude, codex -NoCache -NoStore -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        @($read | Where-Object Client -EQ codex).Count | Should -Be 0
        @($read | Where-Object Path -EQ $rollout).Count | Should -BeLessOrEqual 1
    }
}

Describe '-Path with -Client skips files the client cannot own' {
    It 'skips Claude transcripts asked for as Codex, with one clear warning and no damage reported' {
        $files = Get-TokenUsage -Path (Join-Path $root '.claude') -Client codex -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed
        $files | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
        @($warned | Where-Object { "$_" -match 'Skipped 6 file\(s\) .* claude logs' }).Count | Should -Be 1
    }

    It 'names the owner of a single file given with the wrong client' {
        $one = Get-ChildItem -Path $projects -Recurse -Filter *.jsonl | Select-Object -First 1
        Get-TokenUsage -Path $one.FullName -Client codex -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'UnsupportedFile,TokUsage.Commands.GetTokenUsageCommand'
        $failed[0].Exception.Message | Should -Match 'claude log'
    }
}

Describe 'Nothing happens silently' {
    It 'warns when TOKUSAGE_PRICE_FILE names a missing file' {
        $env:TOKUSAGE_PRICE_FILE = Join-Path $TestDrive 'missing-prices.json'
        try {
            Get-TokenUsage -Path $projects -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
            "$warned" | Should -Match 'TOKUSAGE_PRICE_FILE'
        }
        finally { Remove-Item Env:TOKUSAGE_PRICE_FILE }
    }

    It 'warns when a -Path wildcard matches nothing' {
        Get-TokenUsage -Path (Join-Path $TestDrive 'nothing-here*') -WarningVariable warned -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warned" | Should -Match 'matches no file'
    }

    It 'warns when a home has no logs' {
        $saved = $env:HOME
        $env:HOME = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'empty-home')).FullName
        try {
            Get-TokenUsage -WarningVariable warned -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            "$warned" | Should -Match 'No usage log'
        }
        finally { $env:HOME = $saved }
    }

    It 'warns about an empty model name and a pattern that matches nothing' {
        Get-TokenPrice '' -WarningVariable warned -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warned" | Should -Match 'empty model name'
        Get-TokenPrice 'zzz-no-such-*' -WarningVariable warned2 -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warned2" | Should -Match 'No price table entry matches'
    }
}

Describe 'Help and small print' {
    It 'gives <Name> related links' -ForEach @($cmdlets | ForEach-Object { @{ Name = $_ } }) {
        @((Get-Help $Name).relatedLinks.navigationLink).Count | Should -BeGreaterThan 0
        (Get-Help $Name).relatedLinks.navigationLink.linkText | Should -Contain 'about_TokUsage'
    }

    It 'lists every command under SEE ALSO in about_TokUsage' {
        $seeAlso = ((Get-Help about_TokUsage | Out-String) -split 'SEE ALSO')[-1]
        foreach ($command in (Get-Command -Module TokUsage -CommandType Cmdlet, Function).Name) { $seeAlso | Should -Match $command }
    }

    It 'has release notes about what the module is now' {
        $notes = (Import-PowerShellDataFile $script:ModuleManifest).PrivateData.PSData.ReleaseNotes
        $notes | Should -Not -Match 'First release: Claude Code usage'
        $notes | Should -Match 'Codex'
    }

    It 'says what SkippedLines is in the damaged-lines warning' {
        $damaged = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'damaged/projects/-home-me-x')
        @((ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 1 -OutputTokens 1), 'garbage') | Set-Content (Join-Path $damaged 's.jsonl')
        Get-TokenUsage -Path (Join-Path $TestDrive 'damaged') -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        "$warned" | Should -Match 'SkippedLines property counts'
        "$warned" | Should -Not -Match 'say which'
    }

    It 'lists only this OS''s folders by default' {
        $foreign = if ($IsWindows) { '[\\/]Library[\\/]' } elseif ($IsMacOS) { '[\\/]AppData[\\/]' } else { '/Library/|/AppData/' }
        $saved = $env:HOME
        $env:HOME = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'os-home')).FullName
        try {
            @(Get-TokenUsageSource | Where-Object { $_.Root -match $foreign }).Count | Should -Be 0
            @(Get-TokenUsageSource -AllPlatforms | Where-Object { $_.Root -match $foreign }).Count | Should -BeGreaterThan 0
        }
        finally { $env:HOME = $saved }
    }

    It 'shows no zero-token <synthetic> model row' {
        $synthetic = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'synthetic/projects/-home-me-s')
        @(
            (ConvertTo-ClaudeLine -Id m1 -RequestId r1 -InputTokens 10 -OutputTokens 1)
            (ConvertTo-ClaudeLine -Id m2 -RequestId r2 -InputTokens 0 -OutputTokens 0 -Model '<synthetic>')
        ) | Set-Content (Join-Path $synthetic 's.jsonl')
        (Get-TokenUsage -Path (Join-Path $TestDrive 'synthetic') | Measure-TokenUsage -By Model -Total:$false).Name | Should -Be @('claude-sonnet-4-5-20250929')
    }

    It 'shows session durations with units' {
        $lines = Get-TokenUsage -Path $projects | Measure-TokenUsage -By Session -Total | Get-ViewLine -Width 80
        $lines[2] | Should -Match '\b51m\b'
        $lines[-1] | Should -Match '\b2d 05h\b'
    }

    It 'writes readable Models cells to CSV' {
        $csv = Join-Path $TestDrive 'models.csv'
        Get-TokenUsage -Path $projects | Measure-TokenUsage -By Day -TimeZone UTC | Export-Csv -Path $csv
        $row = Import-Csv $csv | Select-Object -First 1
        $row.Models | Should -Be 'claude-opus-4-1-20250805, claude-sonnet-4-5-20250929'
        $row.UnpricedModels | Should -Be ''
        Get-Content $csv -Raw | Should -Not -Match 'System\.String\[\]|TokUsage\.NameList'
    }
}
