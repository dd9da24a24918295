# TokUsage root module. The cmdlets come from TokUsage.dll (NestedModules in TokUsage.psd1);
# this script dot-sources the module's script files in Public/ into the module scope.
# Only .NET and Microsoft.PowerShell.Core are used here, so the module imports in minimal hosts too.
$publicFolder = [System.IO.Path]::Combine($PSScriptRoot, 'Public')
if ([System.IO.Directory]::Exists($publicFolder)) {
    $scripts = [System.IO.Directory]::GetFiles($publicFolder, '*.ps1')
    [System.Array]::Sort($scripts, [System.StringComparer]::Ordinal)
    foreach ($script in $scripts) {
        . $script
    }
}
