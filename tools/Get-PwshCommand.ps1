# Dot-sourced by build.ps1 and the Pester helpers.
# The pwsh running the caller, as a command line for a child process: pwsh itself, or `dotnet <PSHOME>/pwsh.dll` when it
# runs as the repository's local .NET tool (`dotnet pwsh`), whose process is dotnet.
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        return @($exe, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($exe)
}
