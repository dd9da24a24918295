#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, analyzes and packages the TokUsage module.
.DESCRIPTION
    Build   : dotnet build -c <Configuration>; lays out the importable module in out/TokUsage/.
    Test    : the xunit suite (dotnet test), then every Pester spec in tests/Pester/ in a child pwsh (so the freshly
              built dll is not locked in this session). Pester comes from NuGet (tools/TestTools restores it into
              out/test-tools/). The peers (ccusage, tokscale) are installed from npm into .peers/ for the parity
              tests; only when npm cannot install them may those tests skip, and the run says so. Any other skipped,
              failed or not-run test fails the step.
    Analyze : PSScriptAnalyzer over build.ps1, the manifest, Public/ and tests/: an installed PSScriptAnalyzer, else
              the build in ../shared/tools when present. Any finding fails the step.
    Package : a .nupkg of out/TokUsage in out/packages (Publish-PSResource to a local repository).

    The last line of a Test run is "<N> passed, <N> failed, <N> skipped" over xunit and Pester together.
.EXAMPLE
    dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1      # Build, Test, Analyze: what CI runs
.EXAMPLE
    ./build.ps1 -Task Build, Analyze -Configuration Debug
#>
[CmdletBinding()]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Build script output is for the console.')]
param(
    # Clean, Build, Test, Analyze, Package; `-Task Build,Test` also works from `pwsh -File`.
    [string[]] $Task = @('Build', 'Test', 'Analyze'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
$unknown = @($Task | Where-Object { $_ -notin 'Clean', 'Build', 'Test', 'Analyze', 'Package' })
if ($unknown) { throw "Unknown task(s): $($unknown -join ', '). Tasks: Clean, Build, Test, Analyze, Package." }
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/TokUsage'
$resultsDir = Join-Path $root 'out/test-results'
$pesterVersion = '5.9.1'
$tally = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }

function Invoke-DotNet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

. (Join-Path $PSScriptRoot 'tools/Get-PwshCommand.ps1')

# Installs ccusage and tokscale for the parity tests unless TOKUSAGE_CCUSAGE/TOKUSAGE_TOKSCALE already name them.
# Returns why they are missing (then the parity tests may skip), or $null when they are there.
function Install-Peer {
    if ($env:TOKUSAGE_CCUSAGE -and $env:TOKUSAGE_TOKSCALE) { return $null }
    if (-not ($IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64')) {
        return 'the peers are installed from their linux-x64 npm packages only'
    }
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { return 'npm is not installed' }
    $peers = Join-Path $root '.peers'
    Write-Host "Installing ccusage and tokscale into $peers (npm)" -ForegroundColor Cyan
    $log = & bash (Join-Path $root 'bench/install-peers.sh') $peers 2>&1
    if ($LASTEXITCODE -ne 0) {
        return "npm could not install them (is the npm registry reachable?): $(($log | Select-Object -Last 3) -join ' ')"
    }
    $env:TOKUSAGE_CCUSAGE = Join-Path $peers 'node_modules/@ccusage/ccusage-linux-x64/bin/ccusage'
    $env:TOKUSAGE_TOKSCALE = Join-Path $peers 'node_modules/@tokscale/cli-linux-x64-gnu/bin/tokscale'
    return $null
}

function Invoke-XunitSuite {
    param([string] $PeersMissing)
    $trx = Join-Path $resultsDir 'xunit.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $root 'TokUsage.sln') -c $Configuration --no-build --logger 'trx;LogFileName=xunit.trx' --results-directory $resultsDir
    $exit = $LASTEXITCODE
    if (-not (Test-Path $trx)) { throw "dotnet test wrote no results (exit code $exit)." }

    [xml] $doc = Get-Content -Raw $trx
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $results = @(Select-Xml -Xml $doc -XPath '//t:UnitTestResult' -Namespace $ns | ForEach-Object Node)
    $passed = @($results | Where-Object outcome -eq 'Passed').Count
    $failed = @($results | Where-Object outcome -eq 'Failed').Count
    $skipped = @($results | Where-Object outcome -eq 'NotExecuted')
    $unexpected = @()
    foreach ($test in $skipped) {
        $reason = ($test.SelectSingleNode('.//*[local-name()="Message"]')).InnerText
        Write-Host "  skipped: $($test.testName) - $reason" -ForegroundColor Yellow
        # A parity test may skip only when the peers could not be installed, and it must say that is why.
        if (-not ($PeersMissing -and $reason -like '*is not installed*')) { $unexpected += $test.testName }
    }
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped.Count)
    $tally.Passed += $passed; $tally.Failed += $failed; $tally.Skipped += $skipped.Count
    if ($exit -ne 0 -or $failed -gt 0) { throw "xunit: $failed test(s) failed (dotnet test exit code $exit)." }
    if ($unexpected) { throw "xunit: $($unexpected.Count) test(s) skipped without an expected reason: $($unexpected -join ', ')" }
}

function Invoke-PesterSuite {
    Invoke-DotNet restore (Join-Path $root 'tools/TestTools/TestTools.csproj') --verbosity quiet
    $pester = Join-Path $root "out/test-tools/pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pester)) { throw "Pester $pesterVersion was not restored to $pester." }
    $summary = Join-Path $resultsDir 'pester.json'
    Remove-Item $summary -ErrorAction SilentlyContinue
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Normal'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $resultsDir 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
[ordered]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount; Skipped = `$r.SkippedCount; NotRun = `$r.NotRunCount; Result = `$r.Result; FailedBlocks = `$r.FailedBlocksCount; FailedContainers = `$r.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'
"@
    $pwsh = @(Get-PwshCommand)
    $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)
    & $pwsh[0] @pwshArgs
    if (-not (Test-Path $summary)) { throw "Pester did not finish (exit code $LASTEXITCODE)." }
    $r = Get-Content -Raw $summary | ConvertFrom-Json
    Write-Host ("pester: {0} passed, {1} failed, {2} skipped, {3} not run, {4} failed block(s), {5} failed file(s)" -f $r.Passed, $r.Failed, $r.Skipped, $r.NotRun, $r.FailedBlocks, $r.FailedContainers)
    $tally.Passed += $r.Passed; $tally.Failed += $r.Failed; $tally.Skipped += $r.Skipped
    if ($r.Failed -gt 0 -or $r.FailedBlocks -gt 0 -or $r.FailedContainers -gt 0 -or $r.Result -ne 'Passed') { throw "pester: the run failed ($($r.Result))." }
    if ($r.Skipped -gt 0 -or $r.NotRun -gt 0) { throw "pester: $($r.Skipped) skipped and $($r.NotRun) not-run test(s); no Pester spec may skip." }
}

function Import-Analyzer {
    $installed = Get-Module -ListAvailable PSScriptAnalyzer | Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return $installed.Path }
    $shared = Join-Path $root '../shared/tools/PSScriptAnalyzer'
    $build = Get-ChildItem -Path $shared -Filter PSScriptAnalyzer.psd1 -Recurse -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($build) { return $build.FullName }
    return $null
}

try {
    foreach ($step in $Task) {
        switch ($step) {
            'Clean' {
                foreach ($folder in @('out') + (Get-ChildItem -Path $root -Directory -Recurse -Include bin, obj | ForEach-Object FullName)) {
                    if (Test-Path $folder) { Remove-Item -Recurse -Force $folder }
                }
            }
            'Build' {
                Invoke-DotNet build (Join-Path $root 'TokUsage.sln') -c $Configuration
            }
            'Test' {
                New-Item -ItemType Directory -Force -Path $resultsDir | Out-Null
                $peersMissing = Install-Peer
                if ($peersMissing) {
                    Write-Warning "The parity tests against ccusage and tokscale will be skipped: $peersMissing."
                }
                Invoke-XunitSuite -PeersMissing $peersMissing
                Invoke-PesterSuite
            }
            'Analyze' {
                $analyzer = Import-Analyzer
                if (-not $analyzer) {
                    $message = 'PSScriptAnalyzer is neither installed (Install-PSResource PSScriptAnalyzer) nor in ../shared/tools: the scripts were not analyzed.'
                    if ($env:CI) { throw $message }
                    Write-Warning $message
                    continue
                }
                Import-Module $analyzer
                Write-Host "PSScriptAnalyzer $((Get-Module PSScriptAnalyzer).Version) from $analyzer" -ForegroundColor Cyan
                # The manifest is analyzed as laid out by the build (its FormatsToProcess and dll sit beside it there).
                $manifest = Join-Path $moduleDir 'TokUsage.psd1'
                if (-not (Test-Path $manifest)) { throw 'Build first: out/TokUsage/TokUsage.psd1 is missing.' }
                $targets = @((Join-Path $root 'build.ps1'), $manifest, (Join-Path $root 'TokUsage.psm1'), (Join-Path $root 'Public'), (Join-Path $root 'tests'), (Join-Path $root 'bench'), (Join-Path $root 'tools/Get-PwshCommand.ps1'))
                $findings = @($targets | ForEach-Object { Invoke-ScriptAnalyzer -Path $_ -Recurse -Settings (Join-Path $root 'PSScriptAnalyzerSettings.psd1') })
                if ($findings) {
                    $findings | Format-Table -AutoSize -Wrap ScriptName, Line, RuleName, Message | Out-String -Width 200 | Write-Host
                    throw "PSScriptAnalyzer reported $($findings.Count) finding(s)."
                }
                Write-Host 'PSScriptAnalyzer: no findings.'
            }
            'Package' {
                if (-not (Test-Path (Join-Path $moduleDir 'TokUsage.dll'))) { throw 'Build first: out/TokUsage is missing.' }
                $repo = Join-Path $root 'out/packages'
                New-Item -ItemType Directory -Force -Path $repo | Out-Null
                if (-not (Get-PSResourceRepository -Name TokUsageLocal -ErrorAction SilentlyContinue)) {
                    Register-PSResourceRepository -Name TokUsageLocal -Uri $repo -Trusted
                }
                Publish-PSResource -Path $moduleDir -Repository TokUsageLocal
                Write-Host "Package written to $repo"
            }
        }
    }
}
finally {
    # The closing line CI reads, last whatever failed: every test of xunit and Pester that ran.
    if ($Task -contains 'Test') { Write-Host ('{0} passed, {1} failed, {2} skipped' -f $tally.Passed, $tally.Failed, $tally.Skipped) }
}
