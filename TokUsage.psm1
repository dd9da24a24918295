# TokUsage root module. The cmdlets come from TokUsage.dll. On PowerShell 7 it is loaded with its libraries
# (Microsoft.Data.Sqlite, SQLitePCLRaw, ZstdSharp, Npgsql...) into a load context of the module's own
# (TokUsage.Loader.dll), so modules that ship other versions of them work side by side with this one; Windows
# PowerShell 5.1 has one context and loads it as is. Then this script dot-sources the script files in Public/ into the
# module scope. Only .NET and Microsoft.PowerShell.Core are used here, so the module imports in minimal hosts too.
if ($PSVersionTable.PSEdition -eq 'Core') {
    $loader = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'TokUsage.Loader.dll'))
    $engine = $loader.GetType('TokUsage.Loader.PrivateLoadContext').GetMethod('LoadModule').Invoke($null, @($PSScriptRoot))
}
else {
    $engine = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'TokUsage.dll'))
}
$engineModule = Import-Module -Assembly $engine -PassThru
if ($null -eq $ExecutionContext.InvokeCommand.GetCmdlet('Get-TokenUsage')) {
    # Import-Module -Force of TokUsage: PowerShell hands back the engine module it imported the first time without
    # adding its cmdlets to this new module scope. Forget that one and import the same assembly again (importing the
    # module object instead would load a second copy of TokUsage.dll from its path into the default context).
    Remove-Module -ModuleInfo $engineModule -Force
    $engineModule = Import-Module -Assembly $engine -PassThru
}

$publicFolder = [System.IO.Path]::Combine($PSScriptRoot, 'Public')
if ([System.IO.Directory]::Exists($publicFolder)) {
    $scripts = [System.IO.Directory]::GetFiles($publicFolder, '*.ps1')
    [System.Array]::Sort($scripts, [System.StringComparer]::Ordinal)
    foreach ($script in $scripts) {
        . $script
    }
}
