# What real logs hold that TokUsage used to count wrongly (issue: count what real logs hold). Each log is written as
# the agent writes it; the expectations are computed here from what was written.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Saved codex exec output' {
    BeforeAll {
        # `codex exec --json > run.jsonl` in a CODEX_HOME folder: the result line keeps its time and model inside
        # `data`, next to the usage; the file itself was copied (written) weeks later.
        $script:codexHome = Join-Path $TestDrive 'exec-home'
        New-Item -ItemType Directory -Force -Path $codexHome | Out-Null
        $file = Join-Path $codexHome 'run.jsonl'
        @(
            '{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}'
            '{"type":"turn.started"}'
            '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Done."}}'
            '{"type":"result","data":{"timestamp":"2026-05-02T08:00:00Z","model_name":"gpt-5-codex","usage":{"prompt_tokens":1200,"completion_tokens":300,"cached_tokens":200}}}'
        ) | Set-Content -Path $file
        (Get-Item $file).LastWriteTimeUtc = [datetime]::new(2026, 6, 20, 12, 0, 0, [DateTimeKind]::Utc)
    }

    It 'dates the message and prices it by the result''s own data.timestamp and data.model_name' {
        $file = Get-TokenUsage -Path $codexHome -Client codex -NoCache
        $file.Start | Should -Be ([datetimeoffset]'2026-05-02T08:00:00Z')
        $file.Models | Should -Be @('gpt-5-codex')
        $file.UnpricedModels | Should -BeNullOrEmpty
        # prompt_tokens includes the cached tokens (OpenAI usage): 1,000 fresh input, 200 cache reads.
        ($file.InputTokens, $file.CacheReadTokens, $file.OutputTokens) | Should -Be @(1000, 200, 300)
        $file.Cost | Should -Be (Get-ExpectedCost @([pscustomobject]@{ Model = 'gpt-5-codex'; Input = 1000; Output = 300; CacheRead = 200; CacheWrite = 0 }))
        ($file | Measure-TokenUsage -Total:$false).Period | Should -Be '2026-05-02'
    }
}
