# TokUsage next to another module that ships SQLite (SimplySql, PSSQLite...), issue 19: on PowerShell 7 the module's
# libraries load into its own load context, so a session may hold another Microsoft.Data.Sqlite and SQLitePCLRaw (here
# 11.0.0 and 3.0.5, newer than the module's), loaded before or after TokUsage, and both keep working. Each order runs in
# a fresh pwsh: load contexts, like modules' assemblies, cannot be unloaded from a session.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $packages = Join-Path $PSScriptRoot '../../out/test-tools'
    $script:other = @(
        "$packages/sqlitepclraw.core/3.0.5/lib/net8.0/SQLitePCLRaw.core.dll"
        "$packages/sqlitepclraw.provider.e_sqlite3/3.0.5/lib/net8.0/SQLitePCLRaw.provider.e_sqlite3.dll"
        "$packages/sqlitepclraw.config.e_sqlite3/3.0.5/lib/net8.0/SQLitePCLRaw.batteries_v2.dll"
        "$packages/microsoft.data.sqlite.core/11.0.0/lib/net10.0/Microsoft.Data.Sqlite.dll"
    ) | ForEach-Object { (Resolve-Path -LiteralPath $_ -ErrorAction Stop).Path }
    $script:otherEngine = (Resolve-Path "$packages/sqlite/3.53.4/runtimes/linux-x64/native/libe_sqlite3.so" -ErrorAction Stop).Path

    # The child: loads the other SQLite, uses it, and reads an OpenCode database (written with the other SQLite) with
    # TokUsage, in the order asked; reports what each saw.
    $script:child = {
        param($Manifest, $OtherDlls, $OtherEngine, $Folder, $Order)
        $ErrorActionPreference = 'Stop'
        $otherAssemblies = $OtherDlls -split ';'
        $otherNative = $OtherEngine
        $databases = $Folder
        $report = [System.Collections.Generic.List[string]]::new()
        function Use-Other {
            $c = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=:memory:')
            $c.Open()
            $command = $c.CreateCommand(); $command.CommandText = 'select sqlite_version()'
            $report.Add('other ' + [Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version + ' sqlite ' + $command.ExecuteScalar())
            $c.Dispose()
        }
        function Import-Other {
            foreach ($dll in $otherAssemblies) { Add-Type -Path $dll }
            [System.Runtime.InteropServices.NativeLibrary]::Load($otherNative) | Out-Null
            [SQLitePCL.Batteries_V2]::Init()
            $path = Join-Path $databases 'opencode.db'
            if (-not (Test-Path $path)) {
                $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$path;Pooling=False")
                $c.Open()
                $command = $c.CreateCommand()
                $command.CommandText = "CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL); CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL); INSERT INTO session VALUES ('ses_1', '/w'); INSERT INTO message VALUES ('m1', 'ses_1', '{""role"":""assistant"",""modelID"":""claude-sonnet-4-5"",""time"":{""created"":1783000000000},""tokens"":{""input"":100,""output"":50,""reasoning"":0,""cache"":{""read"":0,""write"":0}}}');"
                $command.ExecuteNonQuery() | Out-Null
                $c.Dispose()
            }
        }
        function Use-TokUsage {
            $files = @(Get-TokenUsage -Path $databases -Client opencode -NoCache -NoStore -ErrorVariable failed -ErrorAction SilentlyContinue)
            $report.Add('tokusage ' + ($files | Measure-Object TotalTokens -Sum).Sum + ' tokens ' + @($failed).Count + ' errors')
        }
        try {
            if ($Order -eq 'OtherFirst') {
                Import-Other; Use-Other
                Import-Module $Manifest; Use-TokUsage; Use-Other
            }
            else {
                Import-Module $Manifest
                Import-Other; Use-Other
                Use-TokUsage; Use-Other
            }
        }
        catch { $report.Add('failed: ' + $_.Exception.GetType().Name + ': ' + $_.Exception.Message) }
        $report -join "`n"
    }.ToString()
}

Describe 'TokUsage beside another module''s SQLite' -Skip:(-not ($IsLinux -and [Environment]::Is64BitProcess)) {
    It 'both work when the other module loads <Order>' -ForEach @(@{ Order = 'OtherFirst' }, @{ Order = 'TokUsageFirst' }) {
        $folder = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive "$Order/opencode")).FullName
        $result = Invoke-PwshWithDeadline -Text $child -Arguments (Resolve-Path $script:ModuleManifest).Path, ($other -join ';'), $otherEngine, $folder, $Order
        $result.Finished | Should -BeTrue
        $lines = @($result.Output -split "`n" | Where-Object { $_ })
        $lines | Where-Object { $_ -like 'failed*' } | Should -BeNullOrEmpty
        @($lines | Where-Object { $_ -like 'other *' }).Count | Should -Be 2
        $lines | Where-Object { $_ -like 'other *' } | ForEach-Object { $_ | Should -Match '^other 11\.0\.0\.0 sqlite 3\.\d+' }
        $lines | Where-Object { $_ -like 'tokusage *' } | Should -Be 'tokusage 150 tokens 0 errors'
    }
}

Describe 'Importing the module again' {
    It 'keeps every command and one copy of the engine after Import-Module -Force' {
        $result = Invoke-PwshWithDeadline -Arguments (Resolve-Path $script:ModuleManifest).Path -Text {
            param($Manifest)
            $counts = foreach ($i in 1..3) { Import-Module $Manifest -Force; @(Get-Command -Module TokUsage).Count }
            $engines = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TokUsage' }).Count
            ($counts -join ',') + ' ' + $engines + ' ' + @(Get-TokenUsage -Path $HOME/nothing-here -WarningAction SilentlyContinue).Count
        }.ToString()
        $result.Finished | Should -BeTrue
        $expected = @((Import-PowerShellDataFile $script:ModuleManifest).CmdletsToExport).Count + @((Import-PowerShellDataFile $script:ModuleManifest).FunctionsToExport).Count
        $result.Output.Trim() | Should -Be ("$expected,$expected,$expected 1 0")
    }
}
