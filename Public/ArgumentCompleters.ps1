# Tab completion for -TimeZone on the TokUsage cmdlets: every IANA and Windows id the module accepts.
# (-Client completes from the compiled ClientCompleter; ids there come from the client registry.)
Register-ArgumentCompleter -CommandName 'Get-TokenUsage', 'Measure-TokenUsage' -ParameterName 'TimeZone' -ScriptBlock {
    # PowerShell passes (commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters); only the word is used.
    $prefix = "$($args[2])".Trim("'", '"')
    foreach ($id in [TokUsage.Hosting.TimeZoneCompletion]::IdsStartingWith($prefix)) {
        $text = if ($id -match '\s') { "'$id'" } else { $id }
        [System.Management.Automation.CompletionResult]::new($text, $id, 'ParameterValue', $id)
    }
}
