using System;
using System.Linq;
using System.Management.Automation;
using TokUsage.Aggregation;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Folds usage objects into daily, weekly, monthly, hourly, session, project, model, client or billing-block totals.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "TokenUsage")]
    [OutputType(typeof(PeriodSummary), typeof(SessionSummary), typeof(GroupSummary), typeof(BlockSummary))]
    public sealed class MeasureTokenUsageCommand : TokUsageCmdlet
    {
        private IUsageFold? _fold;
        private long? _tokenLimit;
        private WildcardPattern[]? _projects;
        private Func<string, bool>? _keepModel;
        private TimeZoneInfo? _givenZone;
        private string? _inputZone;
        private bool _zoneMismatchWarned;

        /// <summary>Usage objects from Get-TokenUsage (typed or deserialized).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>
        /// What a row is: Day (default), Week, Month, Hour, Session, Project, Model, Client, User or Machine (this account and
        /// computer for local logs), or Block (billing blocks of -BlockHours). Several keys (-By Day, Project) split the first key's rows by the others; each row then
        /// carries every key as a property of its own.
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public UsageGrouping[] By { get; set; } = { UsageGrouping.Day };

        /// <summary>First day of a week for -By Week (default Monday).</summary>
        [Parameter]
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>
        /// Time zone of days, weeks, months and hours (IANA or Windows id). Default: the zone given to Get-TokenUsage
        /// -TimeZone for the input, else local.
        /// </summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>Counts only the usage of these projects (working directories; wildcards * and ?, case-insensitive).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Project { get; set; }

        /// <summary>Counts only the messages of these models (names as logged; wildcards * and ?, case-insensitive).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Hosting.ModelCompleter))]
        public string[]? Model { get; set; }

        /// <summary>Length of a billing block for -By Block, in hours (default 5, as Anthropic's subscription windows).</summary>
        [Parameter]
        [ValidateRange(1, 24)]
        public int BlockHours { get; set; } = 5;

        /// <summary>
        /// For -By Block: weekly windows as providers now bill them — each model family (opus, sonnet, haiku for Claude;
        /// other models by name) gets its own rolling 7-day windows, each starting at the hour of the first message after
        /// the last window; rows carry the Family.
        /// </summary>
        [Parameter]
        public SwitchParameter Weekly { get; set; }

        /// <summary>
        /// For -By Block: the tokens a block may use, as a number, or <c>max</c> for the most tokens of a past block; each
        /// block (the active one by its projection) gets PercentOfLimit and Status.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenLimit { get; set; }

        /// <summary>
        /// Measures each row's activity: ActiveTime (wall-clock time in stretches of messages no more than -IdleGap apart,
        /// across the row's sessions), LongestStretch, ActiveDays, LongestStreak (consecutive days) and
        /// MaxConcurrentSessions; the rows then show in the activity view.
        /// </summary>
        [Parameter]
        public SwitchParameter ActiveTime { get; set; }

        /// <summary>
        /// For -ActiveTime (and implies it): the longest pause between two messages that still counts as one stretch of
        /// activity (default 3 minutes, as tokscale); from 1 second to 1 day.
        /// </summary>
        [Parameter]
        public TimeSpan IdleGap { get; set; } = TimeSpan.FromMinutes(3);

        /// <summary>Adds each row's per-model split (the Breakdown property).</summary>
        [Parameter]
        public SwitchParameter Breakdown { get; set; }

        /// <summary>
        /// Adds a last row (IsTotal = true) that sums all the others. Default: on when Measure-TokenUsage ends the
        /// pipeline (its rows go to the screen or a variable), off when they flow on to another command (Export-Csv,
        /// Where-Object, Sort-Object…), so piped rows stay one uniform, non-overlapping set. -Total:$false never adds it.
        /// </summary>
        [Parameter]
        public SwitchParameter Total { get; set; }

        protected override void BeginProcessing()
        {
            if (MultiKeyFold.GroupingProblem(By) is { } grouping)
            {
                ThrowParameterError("InvalidGrouping", grouping, By);
            }

            if (!ByBlock && (TokenLimit != null || Weekly.IsPresent || MyInvocation.BoundParameters.ContainsKey(nameof(BlockHours))))
            {
                ThrowParameterError("InvalidGrouping", "-TokenLimit, -BlockHours and -Weekly apply to billing blocks: add -By Block.", By);
            }

            if (Weekly.IsPresent && MyInvocation.BoundParameters.ContainsKey(nameof(BlockHours)))
            {
                ThrowParameterError("InvalidGrouping", "-Weekly windows last 7 days; give either -Weekly or -BlockHours.", BlockHours);
            }

            if (TokenLimit != null)
            {
                if (string.Equals(TokenLimit, "max", StringComparison.OrdinalIgnoreCase))
                {
                    _tokenLimit = -1;
                }
                else if (long.TryParse(TokenLimit, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit > 0)
                {
                    _tokenLimit = limit;
                }
                else
                {
                    ThrowParameterError("InvalidTokenLimit", $"-TokenLimit '{TokenLimit}' is neither a positive number of tokens nor 'max' (the most tokens of a past block).", TokenLimit);
                }
            }

            if (IdleGap < TimeSpan.FromSeconds(1) || IdleGap > TimeSpan.FromDays(1))
            {
                ThrowParameterError("InvalidIdleGap", $"-IdleGap {IdleGap} is outside 1 second to 1 day: give the longest pause that still counts as one stretch of activity as a time span, for example 00:05:00 or (New-TimeSpan -Minutes 5).", IdleGap);
            }

            _projects = Patterns(Project);
            var models = Patterns(Model);
            _keepModel = models is null ? null : (Func<string, bool>)(model => Matches(models, model));
            if (TimeZone != null)
            {
                _givenZone = ResolveTimeZone(TimeZone);
            }
        }

        protected override void ProcessRecord()
        {
            foreach (var usage in UsageInputs(InputObject))
            {
                try
                {
                    if (Matches(_projects, usage.Source.Project))
                    {
                        usage.FeedTo(FoldFor(usage.TimeZone), _keepModel);
                    }
                }
                catch (OverflowException e)
                {
                    ThrowSumOverflow(e, InputObject);
                }
            }
        }

        protected override void EndProcessing()
        {
            var withTotal = WantsTotalRow(Total);
            System.Collections.Generic.IEnumerable<(UsageTotals Row, string[] SplitValues)> rows;
            try
            {
                var fold = _fold ?? FoldFor(null);
                rows = fold is BlockFold blocks
                    ? blocks.Results(withTotal, DateTimeOffset.UtcNow, _tokenLimit).Select(b => ((UsageTotals)b, Array.Empty<string>())).ToList()
                    : ((MultiKeyFold)fold).Results(withTotal);
            }
            catch (OverflowException e)
            {
                ThrowSumOverflow(e, null);
                return;
            }

            foreach (var (row, splitValues) in rows)
            {
                WriteObject(Hosting.SummaryView.Wrap(row, Breakdown.IsPresent, (_fold as MultiKeyFold)?.SplitBy, splitValues));
            }
        }

        /// <summary>Billing blocks (or weekly windows): -By Block alone.</summary>
        private bool ByBlock => By.Length == 1 && By[0] == UsageGrouping.Block;

        /// <summary>
        /// The fold, created at the first input so that, without -TimeZone, days are cut in the zone Get-TokenUsage was
        /// given (<see cref="UsageFile.TimeZone"/>); null or absent there means local. Inputs that name another zone than
        /// the one in use are folded in it, with one warning.
        /// </summary>
        private IUsageFold FoldFor(string? inputZone)
        {
            if (_fold is null)
            {
                _inputZone = inputZone;
                var zone = _givenZone ?? (inputZone is null ? ResolveTimeZone(null) : ResolveTimeZone(inputZone));
                var activity = ActiveTime.IsPresent || MyInvocation.BoundParameters.ContainsKey(nameof(IdleGap)) ? new ActivityOptions(IdleGap, zone) : null;
                _fold = ByBlock
                    ? new BlockFold(Weekly.IsPresent ? TimeSpan.FromDays(7) : TimeSpan.FromHours(BlockHours), zone, Breakdown.IsPresent, activity, perFamily: Weekly.IsPresent)
                    : new MultiKeyFold(By, zone, WeekStart, Breakdown.IsPresent, activity);
            }
            else if (_givenZone is null && !_zoneMismatchWarned && !string.Equals(inputZone, _inputZone, StringComparison.OrdinalIgnoreCase))
            {
                _zoneMismatchWarned = true;
                WriteWarning($"The input was read with different -TimeZone values ('{_inputZone ?? "local"}' and '{inputZone ?? "local"}'); periods are cut in '{_inputZone ?? "local"}'. Give Measure-TokenUsage -TimeZone to choose.");
            }

            return _fold;
        }

        /// <summary>
        /// Each message's counts are bounded (<see cref="Model.Plausible"/>), so only an absurd input gets here: a sum that would
        /// wrap. It ends the command with a documented error instead of a wrong total.
        /// </summary>
        private void ThrowSumOverflow(OverflowException e, object? target) => ThrowTerminatingError(new ErrorRecord(
            new OverflowException("Measure-TokenUsage stopped: a sum of tokens or cost would exceed what a 64-bit count or a decimal holds, so the input cannot be real usage. " + e.Message, e),
            "TokenSumOverflow",
            ErrorCategory.LimitsExceeded,
            target));

        /// <summary>True when there is no filter or a pattern matches. Only * and ? are wildcards: brackets are literal in
        /// model names ("[pi] gpt-5.4") and paths.</summary>
        private static bool Matches(WildcardPattern[]? patterns, string value)
        {
            if (patterns is null)
            {
                return true;
            }

            foreach (var pattern in patterns)
            {
                if (pattern.IsMatch(value))
                {
                    return true;
                }
            }

            return false;
        }

        private static WildcardPattern[]? Patterns(string[]? given) => given?.Select(g =>
            new WildcardPattern(g.Replace("`", "``").Replace("[", "`[").Replace("]", "`]"), WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
    }
}
