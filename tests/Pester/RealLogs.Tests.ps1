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

Describe 'A /btw side question in Claude Code' {
    BeforeAll {
        # A /btw side-question transcript re-logs earlier parent messages: the same message.id with a new requestId
        # and the parent's usage (ccusage #913). Two layouts: a legacy flat agent-<id>.jsonl beside the sessions, which
        # sorts before this parent's file, and <session>/subagents/agent-<id>.jsonl.
        $script:projects = Join-Path $TestDrive 'claude/projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        $parent = 'f3c1d2e4-5a6b-4c7d-8e9f-0a1b2c3d4e5f'
        $script:parentFile = Join-Path $project "$parent.jsonl"
        $script:flatFile = Join-Path $project 'agent-1a2b3c4d.jsonl'
        $script:nestedFile = Join-Path $project "$parent/subagents/agent-9f8e7d6c.jsonl"
        New-Item -ItemType Directory -Force -Path (Split-Path $nestedFile) | Out-Null
        $common = @{ Cwd = '/home/me/app'; SessionId = $parent }
        @(
            (ConvertTo-ClaudeLine @common -Id msg_01 -RequestId req_01 -InputTokens 1000 -OutputTokens 100 -Timestamp '2026-05-01T10:00:00Z')
            (ConvertTo-ClaudeLine @common -Id msg_02 -RequestId req_02 -InputTokens 2000 -OutputTokens 200 -Timestamp '2026-05-01T10:05:00Z')
            (ConvertTo-ClaudeLine @common -Id msg_03 -RequestId req_03 -InputTokens 3000 -OutputTokens 300 -Timestamp '2026-05-01T10:10:00Z')
        ) | Set-Content $parentFile
        @(
            # Replays of msg_01 and msg_02 (msg_02 as an earlier streamed copy logged it: fewer output tokens), then the answer.
            (ConvertTo-ClaudeLine @common -Sidechain -Id msg_01 -RequestId req_b1 -InputTokens 1000 -OutputTokens 100 -Timestamp '2026-05-01T10:00:00Z')
            (ConvertTo-ClaudeLine @common -Sidechain -Id msg_02 -RequestId req_b2 -InputTokens 2000 -OutputTokens 150 -Timestamp '2026-05-01T10:05:00Z')
            (ConvertTo-ClaudeLine @common -Sidechain -Id msg_b1 -RequestId req_b3 -InputTokens 500 -OutputTokens 50 -Timestamp '2026-05-01T10:12:00Z')
        ) | Set-Content $flatFile
        @(
            (ConvertTo-ClaudeLine @common -Sidechain -Id msg_03 -RequestId req_c1 -InputTokens 3000 -OutputTokens 300 -Timestamp '2026-05-01T10:10:00Z')
            (ConvertTo-ClaudeLine @common -Sidechain -Id msg_c1 -RequestId req_c2 -InputTokens 700 -OutputTokens 70 -Timestamp '2026-05-01T10:15:00Z')
        ) | Set-Content $nestedFile
        $script:cache = Join-Path $TestDrive 'cache'
    }

    It 'counts each parent message once, as the parent logged it, and only the side questions'' own answers (<Run>)' -ForEach @(
        @{ Run = 'no cache'; Arguments = @{ NoCache = $true } }
        @{ Run = 'cache, cold'; Arguments = @{} }
        @{ Run = 'cache, warm'; Arguments = @{} }
        @{ Run = 'one thread'; Arguments = @{ NoCache = $true; ThrottleLimit = 1 } }
    ) {
        $arguments = $Arguments.Clone()
        if (-not $arguments.NoCache) { $arguments.CachePath = $cache }
        $files = Get-TokenUsage -Path $projects -Client claude @arguments
        ($files | Measure-Object TotalTokens -Sum).Sum | Should -Be (1100 + 2200 + 3300 + 550 + 770)
        ($files | Measure-Object Messages -Sum).Sum | Should -Be 5
        ($files | Where-Object Path -EQ $parentFile).TotalTokens | Should -Be 6600
        ($files | Where-Object Path -EQ $flatFile).TotalTokens | Should -Be 550
        ($files | Where-Object Path -EQ $nestedFile).TotalTokens | Should -Be 770
        # The side chains are reported after the main transcripts, whatever their names.
        @($files.Path) | Should -Be @($parentFile, $flatFile, $nestedFile)
    }
}

Describe 'A resumed Claude Code session whose file name sorts first' {
    BeforeAll {
        # `claude --resume` writes a new file, named by a new random UUID, that starts with the original session's
        # lines (their sessionId unchanged) and goes on with the new turns. Here the resumed file's name sorts first.
        $script:projects = Join-Path $TestDrive 'claude/projects'
        $project = New-Item -ItemType Directory -Force -Path (Join-Path $projects '-home-me-app')
        $original = 'e7a0c4b2-1d3f-4e5a-9b8c-7d6e5f4a3b2c'
        $resumed = '0b9f8e7d-6c5b-4a39-8271-605f4e3d2c1b'
        $script:originalFile = Join-Path $project "$original.jsonl"
        $script:resumedFile = Join-Path $project "$resumed.jsonl"
        $old = @(
            (ConvertTo-ClaudeLine -SessionId $original -Cwd '/home/me/app' -Id msg_a1 -RequestId req_a1 -InputTokens 1000 -OutputTokens 100 -Timestamp '2026-03-01T10:00:00Z')
            (ConvertTo-ClaudeLine -SessionId $original -Cwd '/home/me/app' -Id msg_a2 -RequestId req_a2 -InputTokens 2000 -OutputTokens 200 -Timestamp '2026-03-01T10:05:00Z')
        )
        $old | Set-Content $originalFile
        @($old) + @(
            (ConvertTo-ClaudeLine -SessionId $resumed -Cwd '/home/me/app' -Id msg_b1 -RequestId req_b1 -InputTokens 500 -OutputTokens 50 -Timestamp '2026-04-19T09:00:00Z')
        ) | Set-Content $resumedFile
        $script:cache = Join-Path $TestDrive 'cache'
    }

    It 'leaves the original session its messages and the resumed one only its new turns (<Run>)' -ForEach @(
        @{ Run = 'no cache'; Arguments = @{ NoCache = $true } }
        @{ Run = 'cache, cold'; Arguments = @{} }
        @{ Run = 'cache, warm'; Arguments = @{} }
    ) {
        $arguments = $Arguments.Clone()
        if (-not $arguments.NoCache) { $arguments.CachePath = $cache }
        $files = Get-TokenUsage -Path $projects -Client claude @arguments
        $sessions = $files | Measure-TokenUsage -By Session -Total:$false
        $sessions.Count | Should -Be 2
        $first = $sessions | Where-Object SessionId -EQ 'e7a0c4b2-1d3f-4e5a-9b8c-7d6e5f4a3b2c'
        ($first.Messages, $first.TotalTokens, $first.Start.UtcDateTime.ToString('yyyy-MM-dd'), $first.End.UtcDateTime.ToString('yyyy-MM-dd')) | Should -Be @(2, 3300, '2026-03-01', '2026-03-01')
        $second = $sessions | Where-Object SessionId -EQ '0b9f8e7d-6c5b-4a39-8271-605f4e3d2c1b'
        ($second.Messages, $second.TotalTokens, $second.Start.UtcDateTime.ToString('yyyy-MM-dd')) | Should -Be @(1, 550, '2026-04-19')
        # The resumed file is reported after the original it copies from.
        @($files.Path) | Should -Be @($originalFile, $resumedFile)
    }
}

Describe 'Usage kept only on the agents'' servers' {
    BeforeAll {
        # Cursor's dashboard export (Settings > Usage > Export CSV), saved under the name the browser gave it.
        $script:export = Join-Path $TestDrive 'downloads/usage-events-2026-07-10.csv'
        New-Item -ItemType Directory -Force -Path (Split-Path $export) | Out-Null
        @(
            'Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost'
            '"2026-07-10T09:15:02.113Z","Usage-based","claude-sonnet-4-5-20250929","No","2000","150","30000","800","32950","$0.12"'
            '"2026-07-10T09:20:45.001Z","Included","claude-sonnet-4-5-20250929","No","0","1000","0","100","1100","$0.00"'
        ) | Set-Content $export
        # Two Trae usage dumps as tokscale's trae sync saves them: the later one repeats the session's grown total.
        $script:dumps = Join-Path $TestDrive 'trae'
        New-Item -ItemType Directory -Force -Path $dumps | Out-Null
        '[{"session_id":"tr-1","usage_time":1783000000,"model_name":"GPT-5.4","mode":"Chat","dollar_float":0.5,"extra_info":{"input_token":1000,"output_token":500,"cache_read_token":200,"cache_write_token":0}}]' |
            Set-Content (Join-Path $dumps 'a.json')
        '[{"session_id":"tr-1","usage_time":1783003600,"model_name":"GPT-5.4","mode":"Chat","dollar_float":0.75,"extra_info":{"input_token":1500,"output_token":700,"cache_read_token":300,"cache_write_token":0}}]' |
            Set-Content (Join-Path $dumps 'b.json')
    }

    It 'reads a Cursor dashboard export named with -Path, keeping what Cursor charged and pricing included requests' {
        $file = Get-TokenUsage -Path $export -Client cursor -NoCache
        ($file.InputTokens, $file.CacheWriteTokens, $file.CacheReadTokens, $file.OutputTokens) | Should -Be @(1150, 2000, 30000, 900)
        $file.ReportedCost | Should -Be 0.12
        $file.Cost | Should -Be (0.12 + (Get-ExpectedCost @([pscustomobject]@{ Model = 'claude-sonnet-4-5-20250929'; Input = 1000; Output = 100; CacheRead = 0; CacheWrite = 0 })))
        $file.CostSource | Should -Be 'Mixed'
    }

    It 'counts a Trae session once, at its latest total, whatever dumps repeat it' {
        $files = Get-TokenUsage -Path $dumps -Client trae -NoCache
        ($files | Measure-Object TotalTokens -Sum).Sum | Should -Be 2500
        ($files | Measure-Object Cost -Sum).Sum | Should -Be 0.75
        @($files).Count | Should -Be 1
        $files.Path | Should -Be (Join-Path $dumps 'b.json')
        $files.Models | Should -Be @('gpt-5.4')
    }
}
