using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace TokUsage.HelpGen
{
    public sealed class HelpFormatException : Exception
    {
        public HelpFormatException(string message) : base(message)
        {
        }
    }

    public sealed record HelpParameter(string Name, IReadOnlyList<string> Description, IReadOnlyDictionary<string, string> Metadata)
    {
        public string Type => Metadata.GetValueOrDefault("Type", "Object");
        public IReadOnlyList<string> Sets => Metadata.GetValueOrDefault("Parameter Sets", "(All)").Split(',').Select(s => s.Trim()).ToList();
        public bool Required => string.Equals(Metadata.GetValueOrDefault("Required"), "True", StringComparison.OrdinalIgnoreCase);
        public string Position => Metadata.GetValueOrDefault("Position", "Named");
        public string DefaultValue => Metadata.GetValueOrDefault("Default value", "None");
        public string PipelineInput => Metadata.GetValueOrDefault("Accept pipeline input", "False");
        public bool Globbing => string.Equals(Metadata.GetValueOrDefault("Accept wildcard characters"), "True", StringComparison.OrdinalIgnoreCase);
        public string Aliases => Metadata.GetValueOrDefault("Aliases", string.Empty);
        public IReadOnlyList<string> AcceptedValues => Metadata.GetValueOrDefault("Accepted values", string.Empty).Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        public bool IsSwitch => Type == "SwitchParameter";
    }

    public sealed record HelpExample(string Title, IReadOnlyList<string> Code, IReadOnlyList<string> Remarks);

    public sealed record HelpTypeNote(string Type, IReadOnlyList<string> Description);

    /// <summary>One cmdlet's help, read from a PlatyPS markdown page.</summary>
    public sealed class CommandPage
    {
        private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

        public string Name { get; private set; } = string.Empty;
        public List<string> Synopsis { get; } = new();
        public List<string> Description { get; } = new();
        public List<(string Name, bool IsDefault)> ParameterSets { get; } = new();
        public List<HelpExample> Examples { get; } = new();
        public List<HelpParameter> Parameters { get; } = new();
        public List<HelpTypeNote> Inputs { get; } = new();
        public List<HelpTypeNote> Outputs { get; } = new();
        public List<string> Notes { get; } = new();
        public List<(string Text, string Uri)> Links { get; } = new();

        public static bool IsCommandPage(string markdown) => markdown.Contains("external help file:", StringComparison.Ordinal);

        public static CommandPage Parse(string markdown, string fileName)
        {
            var doc = Markdown.Parse(markdown, Pipeline);
            var page = new CommandPage();
            string? section = null;
            string? sub = null;
            var subCode = new List<string>();
            var subText = new List<string>();
            var subMetadata = new Dictionary<string, string>();

            void FlushSub()
            {
                if (sub is null)
                {
                    return;
                }

                switch (section)
                {
                    case "EXAMPLES":
                        page.Examples.Add(new HelpExample(sub, subCode.ToList(), subText.ToList()));
                        break;
                    case "PARAMETERS" when sub.StartsWith("-", StringComparison.Ordinal):
                        page.Parameters.Add(new HelpParameter(sub.Substring(1), subText.ToList(), new Dictionary<string, string>(subMetadata)));
                        break;
                    case "INPUTS":
                        page.Inputs.Add(new HelpTypeNote(sub, subText.ToList()));
                        break;
                    case "OUTPUTS":
                        page.Outputs.Add(new HelpTypeNote(sub, subText.ToList()));
                        break;
                }

                sub = null;
                subCode.Clear();
                subText.Clear();
                subMetadata.Clear();
            }

            foreach (var block in doc)
            {
                switch (block)
                {
                    case YamlFrontMatterBlock:
                        continue;
                    case HeadingBlock { Level: 1 } h1:
                        page.Name = InlineText(h1.Inline);
                        continue;
                    case HeadingBlock { Level: 2 } h2:
                        FlushSub();
                        section = InlineText(h2.Inline).ToUpperInvariant();
                        continue;
                    case HeadingBlock { Level: 3 } h3:
                        FlushSub();
                        sub = InlineText(h3.Inline);
                        if (section == "SYNTAX")
                        {
                            var isDefault = sub.EndsWith("(Default)", StringComparison.Ordinal);
                            page.ParameterSets.Add((sub.Replace("(Default)", string.Empty, StringComparison.Ordinal).Trim(), isDefault));
                            sub = null;
                        }

                        continue;
                }

                var text = BlockText(block);
                if (section == "SYNTAX" || text.Count == 0)
                {
                    continue;
                }

                if (sub != null)
                {
                    if (block is FencedCodeBlock code)
                    {
                        if (section == "PARAMETERS" && string.Equals(code.Info, "yaml", StringComparison.OrdinalIgnoreCase))
                        {
                            foreach (var line in text)
                            {
                                var colon = line.IndexOf(':');
                                if (colon > 0)
                                {
                                    subMetadata[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
                                }
                            }
                        }
                        else
                        {
                            subCode.AddRange(text);
                        }
                    }
                    else
                    {
                        subText.AddRange(text);
                    }

                    continue;
                }

                switch (section)
                {
                    case "SYNOPSIS": page.Synopsis.AddRange(text); break;
                    case "DESCRIPTION": page.Description.AddRange(text); break;
                    case "NOTES": page.Notes.AddRange(text); break;
                    case "RELATED LINKS": page.Links.AddRange(LinksOf(block)); break;
                }
            }

            FlushSub();
            page.Validate(fileName);
            return page;
        }

        private void Validate(string fileName)
        {
            var problems = new List<string>();
            if (Name.Length == 0) problems.Add("no '# <Command-Name>' heading");
            if (Synopsis.Count == 0) problems.Add("no SYNOPSIS");
            if (Description.Count == 0) problems.Add("no DESCRIPTION");
            if (Examples.Count < 2) problems.Add("fewer than two EXAMPLES");
            if (ParameterSets.Count == 0) problems.Add("no SYNTAX parameter sets");
            foreach (var p in Parameters.Where(p => p.Description.Count == 0 || !p.Metadata.ContainsKey("Type")))
            {
                problems.Add($"parameter -{p.Name} lacks a description or a yaml block with Type");
            }

            foreach (var e in Examples.Where(e => e.Code.Count == 0))
            {
                problems.Add($"example '{e.Title}' has no code");
            }

            if (problems.Count > 0)
            {
                throw new HelpFormatException($"{fileName}: {string.Join("; ", problems)}");
            }
        }

        /// <summary>Paragraph texts of a block: one string per paragraph or list item; code blocks line by line.</summary>
        private static List<string> BlockText(Block block)
        {
            var result = new List<string>();
            switch (block)
            {
                case FencedCodeBlock code:
                    result.AddRange(code.Lines.Lines.Take(code.Lines.Count).Select(l => l.ToString()));
                    break;
                case ParagraphBlock paragraph:
                    result.Add(InlineText(paragraph.Inline));
                    break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        var itemText = string.Join(" ", item.SelectMany(BlockText));
                        result.Add((list.IsOrdered ? "* " : "- ") + itemText);
                    }

                    break;
                case QuoteBlock quote:
                    result.AddRange(quote.SelectMany(BlockText));
                    break;
            }

            return result;
        }

        /// <summary>
        /// The links of a RELATED LINKS paragraph. A link to another page of docs/ (a command or about topic) becomes a
        /// link by name, as Get-Help shows PlatyPS links; web links keep their address.
        /// </summary>
        private static IEnumerable<(string, string)> LinksOf(Block block)
        {
            var inline = (block as LeafBlock)?.Inline;
            if (inline is null)
            {
                yield break;
            }

            foreach (var link in inline.Descendants<LinkInline>())
            {
                var url = link.Url ?? string.Empty;
                yield return (InlineText(link), url.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? string.Empty : url);
            }
        }

        /// <summary>Plain text of inline markdown: emphasis dropped, code spans and link texts kept.</summary>
        public static string InlineText(ContainerInline? inline)
        {
            if (inline is null)
            {
                return string.Empty;
            }

            var sb = new StringBuilder();
            foreach (var child in inline)
            {
                switch (child)
                {
                    case LiteralInline literal: sb.Append(literal.Content.ToString()); break;
                    case CodeInline code: sb.Append(code.Content); break;
                    case LineBreakInline: sb.Append(' '); break;
                    case ContainerInline container: sb.Append(InlineText(container)); break;
                    case HtmlEntityInline entity: sb.Append(entity.Transcoded.ToString()); break;
                }
            }

            return sb.ToString().Trim();
        }
    }
}
