# Every PowerShell example in README.md runs in real pwsh, as a user would paste it, against a generated home with
# recent Claude Code and Codex CLI history, and shows or writes something. The examples that reach outside the
# machine are pointed at local stand-ins, and nothing else is changed: Update-TokenPrice reads a LiteLLM-shaped table
# made from the module's own embedded prices (file:// instead of the network), /mnt/share is a folder of the test, and
# the team database is a database of the test PostgreSQL server.

BeforeDiscovery {
    $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
    $script:examples = @([regex]::Matches($readme, '```(powershell|pwsh)\r?\n(.*?)```', 'Singleline') | ForEach-Object -Begin { $n = 0 } -Process {
            $n++
            @{ Number = $n; Code = $_.Groups[2].Value.Trim() }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:readmeHome = Join-Path $TestDrive 'readme-home'
    $start = [datetime]::UtcNow.Date.AddDays(-3)
    $claude = Build-ClaudeHome -Root $readmeHome -Start $start -Scale 100   # sessions of a few dollars, as real ones
    Add-Content -Path (Get-ChildItem -Path $claude.Projects -Recurse -Filter *.jsonl | Select-Object -First 1).FullName -Value 'a damaged line'
    Build-CodexRollout -CodexHome (Join-Path $readmeHome '.codex') -SessionId 'cx-readme' -Cwd '/home/me/app' -Requests @(
        [pscustomobject]@{ Input = 5000; Cached = 3000; Output = 400; Timestamp = $start.AddHours(8).ToString('o') }) | Out-Null
    Copy-Item -Recurse (Join-Path $readmeHome '.claude') (New-Item -ItemType Directory -Force -Path (Join-Path $readmeHome 'backup')).FullName

    $script:share = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'share')).FullName
    $script:priceFile = Build-LiteLlmPriceFile -Path (Join-Path $share 'model_prices_and_context_window.json')
    $script:teamDatabase = Initialize-TestDatabase   # the team database of the examples: a database of the test server

    $script:saved = @{ HOME = $env:HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath; Location = (Get-Location).Path }
    $env:HOME = $readmeHome
    $env:XDG_CACHE_HOME = Join-Path $readmeHome '.cache'   # the prices these examples store stay with this spec
    $env:XDG_DATA_HOME = Join-Path $readmeHome '.local/share'   # and so does the usage store they save into
    $env:PSModulePath = (Split-Path (Split-Path (Resolve-Path $script:ModuleManifest).Path)) + [IO.Path]::PathSeparator + $env:PSModulePath
    Set-Location $readmeHome
}

AfterAll {
    Invoke-TestSql "DROP DATABASE IF EXISTS $(($teamDatabase -split 'Database=')[1]) WITH (FORCE)" | Out-Null
    $env:HOME = $saved.HOME
    $env:XDG_CACHE_HOME = $saved.XDG_CACHE_HOME
    $env:XDG_DATA_HOME = $saved.XDG_DATA_HOME
    $env:PSModulePath = $saved.PSModulePath
    Set-Location $saved.Location
}

Describe 'README example <Number>' -ForEach $examples {
    It 'runs without errors and shows or writes its result' {
        $code = $Code -replace '(?m)^Update-TokenPrice\s*$', "Update-TokenPrice -Uri '$([uri]::new($priceFile).AbsoluteUri)'"
        $code = $code.Replace('file:///mnt/share/model_prices_and_context_window.json', [uri]::new($priceFile).AbsoluteUri)
        $code = $code.Replace('~/', ($readmeHome + '/'))
        $code = $code.Replace('Host=db.example.com;Database=tokusage;Username=alice', $teamDatabase)
        $before = @(Get-ChildItem -Path $readmeHome -File | ForEach-Object Name)
        $Error.Clear()
        $output = & ([scriptblock]::Create("Import-Module TokUsage -ErrorAction Stop`n$code")) 2>&1 3>$null
        $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty -Because ($errors -join "`n")
        $written = @(Get-ChildItem -Path $readmeHome -File | Where-Object Name -notin $before)
        ($output.Count + $written.Count) | Should -BeGreaterThan 0 -Because "the example printed and wrote nothing:`n$Code"
        ($output | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'README''s list of clients' {
    # Every client the module reads (each has default folders, so Get-TokenUsageSource lists it) is named in the README
    # and in docs/clients.md, so a client added to the registry cannot go undocumented.
    It 'names every client the module reads, as docs/clients.md does' {
        $clients = @(Get-TokenUsageSource | ForEach-Object Client | Sort-Object -Unique)
        $clients.Count | Should -BeGreaterThan 30
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
        $catalog = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/clients.md')
        @($clients | Where-Object { -not $readme.Contains("``$_``") }) | Should -BeNullOrEmpty -Because 'README.md lists the clients'
        @($clients | Where-Object { -not $catalog.Contains("``$_``") }) | Should -BeNullOrEmpty -Because 'docs/clients.md has a row for each client'
    }
}
