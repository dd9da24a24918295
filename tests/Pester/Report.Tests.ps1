# Export-TokenUsageReport (issue 18): the HTML report of a generated history, rendered by a real browser (Debian's
# chromium, headless). The rendered page's numbers are read back from its DOM and compared with Measure-TokenUsage's
# rows and with totals computed here from what the generator wrote; screenshots must show something, in light and dark.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:browser = @('chromium', 'chromium-browser', 'google-chrome') | ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue } | Select-Object -First 1
    if (-not $browser) { throw 'The report specs need Chromium (Debian: apt-get install chromium; .ci/run installs it).' }

    $script:claude = Build-ClaudeHome -Root (Join-Path $TestDrive 'home') -Days 9 -Start ([datetime]::new(2026, 4, 27, 0, 0, 0, [DateTimeKind]::Utc))
    # A message of a model no price table knows: counted, not priced, and called out.
    $mystery = New-Item -ItemType Directory -Force -Path (Join-Path $claude.Projects '-home-me-lab')
    ConvertTo-ClaudeLine -Id 'msg_mystery' -RequestId 'req_mystery' -InputTokens 777 -OutputTokens 33 -Model 'mystery-model-9' -Timestamp '2026-05-02T12:00:00Z' -Cwd '/home/me/lab' -SessionId 'sess-lab' |
        Set-Content -Path (Join-Path $mystery 'sess-lab.jsonl')
    $script:unpricedTokens = 777 + 33
    $PSDefaultParameterValues['Get-TokenUsage:WarningAction'] = 'SilentlyContinue'   # the unpriced model's warning is expected
    $PSDefaultParameterValues['Export-TokenUsageReport:WarningAction'] = 'SilentlyContinue'

    # The DOM after the page's script ran, and the rows it carries (data-kind, data-key and the exact values).
    function Get-RenderedPage {
        param([string] $Path, [string[]] $Flags = @())
        $dom = & $browser.Source --headless --no-sandbox --disable-gpu @Flags --dump-dom ([uri]::new($Path).AbsoluteUri) 2>$null
        $LASTEXITCODE | Should -Be 0
        $dom -join "`n"
    }

    function Get-PageRow {
        param([string] $Dom, [string] $Kind)
        foreach ($m in [regex]::Matches($Dom, '<(?:tr|rect)\b[^>]*\bdata-kind="' + $Kind + '"[^>]*>')) {
            $attributes = @{}
            foreach ($a in [regex]::Matches($m.Value, '\b(data-[a-z]+)="([^"]*)"')) { $attributes[$a.Groups[1].Value] = [System.Net.WebUtility]::HtmlDecode($a.Groups[2].Value) }
            '{0} {1} {2} {3}' -f $attributes['data-key'], ([decimal]::Parse($attributes['data-cost'], [cultureinfo]::InvariantCulture)), $attributes['data-tokens'], $attributes['data-messages']
        }
    }

    function Format-Row {
        param([string] $Key, $Row)
        '{0} {1} {2} {3}' -f $Key, $Row.Cost, $Row.TotalTokens, $Row.Messages
    }

    function Get-Screenshot {
        param([string] $Path, [string] $Png, [string[]] $Flags = @())
        & $browser.Source --headless --no-sandbox --disable-gpu --hide-scrollbars @Flags "--screenshot=$Png" --window-size=1280,1600 ([uri]::new($Path).AbsoluteUri) 2>$null | Out-Null
        Get-Item -LiteralPath $Png
    }

    $script:html = Join-Path $TestDrive 'usage.html'
    $script:file = Get-TokenUsage -Path $claude.Projects -NoStore | Export-TokenUsageReport -Path $html -TimeZone UTC -PassThru
    $script:dom = Get-RenderedPage -Path $html
}

Describe 'Export-TokenUsageReport' {
    It 'writes one self-contained page, readable by its owner only' {
        $file.FullName | Should -Be $html
        $text = Get-Content -Raw -LiteralPath $html
        $text | Should -Not -Match '<link\b'
        $text | Should -Not -Match '\b(src|href)\s*=\s*["'']?(https?:)?//'
        $text | Should -Not -Match '@import|url\('
        if (-not $IsWindows) { (Get-Item -LiteralPath $html).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        $dom | Should -Match '<body[^>]*data-rendered="true"'   # the page's script ran to its end in the browser
    }

    It 'shows the totals the generator wrote, as Measure-TokenUsage counts them' {
        $priced = @($claude.Messages)
        $tokens = ($priced | ForEach-Object { $_.Input + $_.Output + $_.CacheRead + $_.CacheWrite } | Measure-Object -Sum).Sum + $unpricedTokens
        $cost = Get-ExpectedCost -Messages $priced
        [regex]::Match($dom, 'id="total-tokens" data-value="(\d+)"').Groups[1].Value | Should -Be $tokens
        [decimal]::Parse([regex]::Match($dom, 'id="total-cost" data-value="([0-9.]+)"').Groups[1].Value, [cultureinfo]::InvariantCulture) | Should -Be $cost
        [regex]::Match($dom, 'id="total-messages" data-value="(\d+)"').Groups[1].Value | Should -Be ($priced.Count + 1)
    }

    It 'has the <Kind> rows of Measure-TokenUsage -By <By>' -ForEach @(
        @{ Kind = 'day'; By = 'Day'; Key = 'Period'; Order = $null }
        @{ Kind = 'month'; By = 'Month'; Key = 'Period'; Order = $null }
        @{ Kind = 'project'; By = 'Project'; Key = 'Name'; Order = 'Cost' }
        @{ Kind = 'model'; By = 'Model'; Key = 'Name'; Order = 'Cost' }
        @{ Kind = 'session'; By = 'Session'; Key = 'SessionId'; Order = 'Cost' }
        @{ Kind = 'block'; By = 'Block'; Key = 'Block'; Order = 'Recent' }
    ) {
        $rows = @(Get-TokenUsage -Path $claude.Projects -NoStore | Measure-TokenUsage -By $By -TimeZone UTC -Total:$false | Where-Object { -not ($_.PSObject.Properties['IsGap'] -and $_.IsGap) })
        $rows = switch ($Order) {
            'Cost' { @($rows | Sort-Object @{ Expression = 'Cost'; Descending = $true }, @{ Expression = $Key; Descending = $false } | Select-Object -First 15) }
            'Recent' { @($rows | Sort-Object Start -Descending | Select-Object -First 15) }
            default { $rows }
        }
        $rows.Count | Should -BeGreaterThan 1
        $expected = @($rows | ForEach-Object { Format-Row $_.$Key $_ })
        $pageRows = @(Get-PageRow -Dom $dom -Kind $Kind)
        if ($Order -eq 'Cost') {
            # The page lists them by cost; which ones is what matters here (no two have the same cost).
            $pageRows = @($pageRows | Sort-Object)
            $expected = @($expected | Sort-Object)
        }
        $pageRows | Should -Be $expected
    }

    It 'calls out the model without a price' {
        $dom | Should -Match '<section class="warning" id="unpriced">'
        @(Get-PageRow -Dom $dom -Kind 'unpriced') | Should -Be @("mystery-model-9 0 $unpricedTokens 1")
        $dom | Should -Match 'mystery-model-9 \(no price\)'
    }

    It 'renders something in light and in dark, and charts every client and model' {
        $blank = Join-Path $TestDrive 'blank.html'
        Set-Content -LiteralPath $blank -Value '<!DOCTYPE html><html><body></body></html>'
        $empty = Get-Screenshot -Path $blank -Png (Join-Path $TestDrive 'blank.png')
        $light = Get-Screenshot -Path $html -Png (Join-Path $TestDrive 'light.png')
        $dark = Get-Screenshot -Path $html -Png (Join-Path $TestDrive 'dark.png') -Flags '--force-dark-mode'
        # A blank page compresses to a few kilobytes; text, charts and a heatmap do not.
        $light.Length | Should -BeGreaterThan (10 * $empty.Length)
        $dark.Length | Should -BeGreaterThan (10 * $empty.Length)
        (Get-FileHash $light.FullName).Hash | Should -Not -Be (Get-FileHash $dark.FullName).Hash
        $darkDom = Get-RenderedPage -Path $html -Flags '--force-dark-mode'
        $darkDom | Should -Match 'data-rendered="true"'

        # The stacked charts have one bar segment per day and client or model with a cost.
        $segments = [regex]::Matches($dom, '<rect [^>]*fill="#[0-9a-f]{6}"[^>]*><title>(\d{4}-\d\d-\d\d) ([^:<]+):')
        $clientModel = @($segments | ForEach-Object { $_.Groups[2].Value } | Sort-Object -Unique)
        $clientModel | Should -Contain 'claude'
        $clientModel | Should -Contain 'claude-opus-4-1-20250805'
        $clientModel | Should -Contain 'claude-sonnet-4-5-20250929'
    }

    It 'reads deserialized usage, and runs Get-TokenUsage itself without input' {
        $clixml = Join-Path $TestDrive 'usage.clixml'
        Get-TokenUsage -Path $claude.Projects -NoStore | Export-Clixml -LiteralPath $clixml
        $fromClixml = Join-Path $TestDrive 'clixml.html'
        Import-Clixml -LiteralPath $clixml | Export-TokenUsageReport -Path $fromClixml -TimeZone UTC
        $total = [regex]::Match($dom, 'id="total-cost" data-value="[^"]*"').Value
        Get-RenderedPage -Path $fromClixml | Should -Match ([regex]::Escape($total))

        $saved = @{ HOME = $env:HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; CLAUDE_CONFIG_DIR = $env:CLAUDE_CONFIG_DIR }
        try {
            $env:HOME = $claude.Home
            $env:XDG_CACHE_HOME = Join-Path $claude.Home '.cache'
            $env:XDG_DATA_HOME = Join-Path $claude.Home '.local/share'
            $env:CLAUDE_CONFIG_DIR = $null
            $own = Join-Path $TestDrive 'own.html'
            Export-TokenUsageReport -Path $own -TimeZone UTC -ErrorAction Stop
            Get-RenderedPage -Path $own | Should -Match ([regex]::Escape($total))
        } finally {
            foreach ($k in $saved.Keys) { Set-Item -Path "env:$k" -Value $saved[$k] }
        }
    }

    It 'refuses to replace a file with -NoClobber, and reports input it cannot read' {
        { Get-TokenUsage -Path $claude.Projects -NoStore | Export-TokenUsageReport -Path $html -NoClobber } | Should -Throw -ErrorId 'ReportFileExists,TokUsage.Commands.ExportTokenUsageReportCommand'
        $other = Join-Path $TestDrive 'other.html'
        'not usage' | Export-TokenUsageReport -Path $other -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'InvalidInputObject,TokUsage.Commands.ExportTokenUsageReportCommand'
        Test-Path -LiteralPath $other | Should -BeTrue   # an empty report: nothing was readable
        Export-TokenUsageReport -Path (Join-Path $TestDrive 'whatif.html') -WhatIf
        Test-Path -LiteralPath (Join-Path $TestDrive 'whatif.html') | Should -BeFalse
    }
}
