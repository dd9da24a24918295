#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, analyzes and packages the TokUsage module.
.DESCRIPTION
    Build   : dotnet build -c <Configuration>; lays out the importable module in out/TokUsage/.
    Test    : dotnet test (the suite CI runs), then the Pester specs in tests/*.Tests.ps1 in a child pwsh
              (so the freshly built dll is not locked in this session) when Pester 5 is installed.
    Analyze : PSScriptAnalyzer over build.ps1, Public/, tests/ and the manifest, when it is installed.
    Package : a .nupkg of out/TokUsage in out/ (Publish-PSResource to a local repository).
.EXAMPLE
    ./build.ps1                      # Build, Test
.EXAMPLE
    ./build.ps1 -Task Build, Analyze -Configuration Debug
#>
[CmdletBinding()]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Build script output is for the console.')]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Analyze', 'Package')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/TokUsage'

function Invoke-DotNet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

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
            Invoke-DotNet test (Join-Path $root 'TokUsage.sln') -c $Configuration
            $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0' | Sort-Object Version -Descending | Select-Object -First 1
            if (-not $pester) {
                Write-Warning 'Pester 5 is not installed (Install-Module Pester -MinimumVersion 5.0): the Pester specs in tests/*.Tests.ps1 were not run.'
            }
            else {
                $command = "Import-Module Pester -MinimumVersion 5.0; `$c = New-PesterConfiguration; `$c.Run.Path = '$root/tests'; `$c.Run.Exit = `$true; `$c.Output.Verbosity = 'Detailed'; Invoke-Pester -Configuration `$c"
                & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -Command $command
                if ($LASTEXITCODE -ne 0) { throw "Pester failed ($LASTEXITCODE failing test(s))." }
            }
        }
        'Analyze' {
            if (-not (Get-Module -ListAvailable PSScriptAnalyzer)) {
                Write-Warning 'PSScriptAnalyzer is not installed (Install-Module PSScriptAnalyzer): analysis skipped.'
            }
            else {
                $targets = @((Join-Path $root 'build.ps1'), (Join-Path $root 'TokUsage.psd1'), (Join-Path $root 'TokUsage.psm1'), (Join-Path $root 'Public'), (Join-Path $root 'tests'))
                $findings = $targets | ForEach-Object { Invoke-ScriptAnalyzer -Path $_ -Recurse -Settings (Join-Path $root 'PSScriptAnalyzerSettings.psd1') }
                $findings | Format-Table -AutoSize | Out-String | Write-Host
                if ($findings | Where-Object Severity -in 'Error', 'Warning') { throw "PSScriptAnalyzer reported $(@($findings).Count) finding(s)." }
            }
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
