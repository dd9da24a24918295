@{
    Severity     = @('Error', 'Warning')
    IncludeDefaultRules = $true
    Rules        = @{
        PSUseCompatibleSyntax = @{ Enable = $true; TargetVersions = @('5.1', '7.4') }
    }
    # Pester's BeforeAll/It scoping makes these report false positives in specs.
    ExcludeRules = @('PSUseDeclaredVarsMoreThanAssignments')
}
