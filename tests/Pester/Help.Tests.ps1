# The parameter metadata in docs/<cmdlet>.md (type, position, pipeline input, aliases, required, wildcards) is typed by
# hand and becomes Get-Help's: it must be what Get-Command says of the parameter, so help cannot drift from the code.
# (The script functions' help is comment-based: PowerShell makes their parameter metadata from the code itself.)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:commands = @(Get-Command -Module TokUsage -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Each "### -Name" section of a help page: its yaml block as a hashtable.
    function Get-DocumentedParameter {
        param([string] $Path)
        $text = Get-Content -Raw -LiteralPath $Path
        $documented = [ordered]@{}
        foreach ($m in [regex]::Matches($text, '(?ms)^### -(\w+)\s*$.*?^```yaml\s*$(.*?)^```')) {
            $fields = @{}
            foreach ($line in $m.Groups[2].Value -split "`r?`n") {
                if ($line -match '^([A-Za-z ]+):\s*(.*)$') { $fields[$Matches[1]] = $Matches[2].Trim() }
            }
            $documented[$m.Groups[1].Value] = $fields
        }
        $documented
    }

    # What the help page must say of a parameter, from Get-Command's metadata.
    function Get-ActualParameter {
        param([System.Management.Automation.ParameterMetadata] $Parameter)
        $type = $Parameter.ParameterType
        $underlying = [Nullable]::GetUnderlyingType($type)
        if ($underlying) { $type = $underlying }
        $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $positions = @($attributes | ForEach-Object { $_.Position } | Where-Object { $_ -ge 0 } | Sort-Object -Unique)
        $pipeline = @()
        if ($attributes | Where-Object ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
        if ($attributes | Where-Object ValueFromPipeline) { $pipeline += 'ByValue' }
        @{
            'Type' = $type.Name
            'Aliases' = ($Parameter.Aliases | Sort-Object) -join ', '
            'Required' = [string][bool]($attributes | Where-Object Mandatory)
            'Position' = if ($positions.Count) { [string]$positions[0] } else { 'Named' }
            'Accept pipeline input' = if ($pipeline) { 'True (' + ($pipeline -join ', ') + ')' } else { 'False' }
            'Accept wildcard characters' = [string][bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        }
    }

    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Help of <Name>' -ForEach $commands {
    BeforeAll {
        $script:command = Get-Command -Module TokUsage -Name $Name
        $script:documented = Get-DocumentedParameter -Path (Join-Path $PSScriptRoot "../../docs/$Name.md")
        $script:parameters = @($command.Parameters.Values | Where-Object { $_.Name -notin $common })
    }

    It 'documents every parameter, and only those' {
        @($documented.Keys | Sort-Object) | Should -Be @($parameters.Name | Sort-Object)
    }

    It 'says of each parameter what Get-Command says' {
        foreach ($parameter in $parameters) {
            $expected = Get-ActualParameter -Parameter $parameter
            $fields = $documented[$parameter.Name]
            foreach ($field in $expected.Keys) {
                $said = if ($fields.ContainsKey($field)) { $fields[$field] } else { '' }
                $said = ($said -split ',\s*' | Sort-Object) -join ', '   # alias lists in any order
                if ($field -ne 'Aliases') { $said = $fields[$field] }
                $said | Should -Be $expected[$field] -Because "docs/$Name.md, -$($parameter.Name), '$field'"
            }
        }
    }
}
