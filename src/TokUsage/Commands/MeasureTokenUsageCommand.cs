using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

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
        private WildcardPattern[]? _models;
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
        /// For -By Block: the tokens a block may use, as a number, or <c>max</c> for the most tokens of a past block; each
        /// block (the active one by its projection) gets PercentOfLimit and Status.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenLimit { get; set; }

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
            if (By.Distinct().Count() != By.Length)
            {
                ThrowParameterError("InvalidGrouping", "-By names a key twice; give each key once (for example -By Day, Project).", By);
            }

            if (By.Length > 1 && Array.IndexOf(By, UsageGrouping.Block) >= 0)
            {
                ThrowParameterError("InvalidGrouping", "-By Block is not combined with other keys; use -By Block alone.", By);
            }

            var byBlock = By.Length == 1 && By[0] == UsageGrouping.Block;
            if (!byBlock && (TokenLimit != null || MyInvocation.BoundParameters.ContainsKey(nameof(BlockHours))))
            {
                ThrowParameterError("InvalidGrouping", "-TokenLimit and -BlockHours apply to billing blocks: add -By Block.", By);
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

            if (By.Length > 1 && Array.IndexOf(By, UsageGrouping.Session) >= 0)
            {
                ThrowParameterError("InvalidGrouping", "-By Session is not split by other keys (a session has one client and project); use -By Session alone, or group by Day, Project, Model... together.", By);
            }

            _projects = Patterns(Project);
            _models = Patterns(Model);
            if (TimeZone != null)
            {
                _givenZone = ResolveTimeZone(TimeZone);
            }
        }

        protected override void ProcessRecord()
        {
            if (InputObject is null)
            {
                return;
            }

            // -InputObject @(a, b) arrives as one array: enumerate it here, as the pipeline would have.
            if (InputObject.BaseObject is IEnumerable items && !(InputObject.BaseObject is string) && !(InputObject.BaseObject is UsageFile))
            {
                foreach (var item in items)
                {
                    if (item != null)
                    {
                        Fold(PSObject.AsPSObject(item));
                    }
                }

                return;
            }

            Fold(InputObject);
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
                _fold = By.Length == 1 && By[0] == UsageGrouping.Block
                    ? new BlockFold(TimeSpan.FromHours(BlockHours), zone, Breakdown.IsPresent)
                    : new MultiKeyFold(By, zone, WeekStart, Breakdown.IsPresent);
            }
            else if (_givenZone is null && !_zoneMismatchWarned && !string.Equals(inputZone, _inputZone, StringComparison.OrdinalIgnoreCase))
            {
                _zoneMismatchWarned = true;
                WriteWarning($"The input was read with different -TimeZone values ('{_inputZone ?? "local"}' and '{inputZone ?? "local"}'); periods are cut in '{_inputZone ?? "local"}'. Give Measure-TokenUsage -TimeZone to choose.");
            }

            return _fold;
        }

        private void Fold(PSObject input)
        {
            try
            {
                FoldChecked(input);
            }
            catch (OverflowException e)
            {
                ThrowSumOverflow(e, input);
            }
        }

        /// <summary>
        /// Each message's counts are bounded (<see cref="Plausible"/>), so only an absurd input gets here: a sum that would
        /// wrap. It ends the command with a documented error instead of a wrong total.
        /// </summary>
        private void ThrowSumOverflow(OverflowException e, object? target) => ThrowTerminatingError(new ErrorRecord(
            new OverflowException("Measure-TokenUsage stopped: a sum of tokens or cost would exceed what a 64-bit count or a decimal holds, so the input cannot be real usage. " + e.Message, e),
            "TokenSumOverflow",
            ErrorCategory.LimitsExceeded,
            target));

        private void FoldChecked(PSObject input)
        {
            if (input.BaseObject is UsageFile file)
            {
                if (!Matches(_projects, file.Project))
                {
                    return;
                }

                FoldFor(file.TimeZone).Add(FoldInputs.SourceOf(file), _models is null ? file.EntryRows : file.EntryRows.Where(e => Matches(_models, e.Model)).ToList());
                return;
            }

            var adapted = FoldInputs.FromProperties(input, out var problem);
            if (adapted is null)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException("Measure-TokenUsage cannot fold this input: " + problem),
                    "InvalidInputObject",
                    ErrorCategory.InvalidType,
                    input));
                return;
            }

            if (!Matches(_projects, adapted.Value.Source.Project))
            {
                return;
            }

            FoldFor(input.Properties["TimeZone"]?.Value?.ToString()).Add(adapted.Value.Source, _models is null ? adapted.Value.Entries : adapted.Value.Entries.Where(e => Matches(_models, e.Model)));
        }

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
