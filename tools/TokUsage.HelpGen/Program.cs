using System;
using System.IO;
using System.Linq;
using TokUsage.HelpGen;

// Usage: TokUsage.HelpGen --docs <docs folder> --out <en-US folder>
// Writes <out>/TokUsage.dll-Help.xml from every docs/*.md with PlatyPS front matter, and about_*.help.txt from
// docs/about_*.md. Exits 1 (failing the build) when a cmdlet page is incomplete.
var docs = args.SkipWhile(a => a != "--docs").Skip(1).FirstOrDefault();
var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
if (docs is null || output is null)
{
    Console.Error.WriteLine("usage: TokUsage.HelpGen --docs <folder> --out <folder>");
    return 2;
}

try
{
    Directory.CreateDirectory(output);
    var pages = Directory.GetFiles(docs, "*.md")
        .Where(f => !Path.GetFileName(f).StartsWith("about_", StringComparison.Ordinal))
        .Select(f => (File: f, Text: File.ReadAllText(f)))
        .Where(p => CommandPage.IsCommandPage(p.Text))
        .OrderBy(p => p.File, StringComparer.Ordinal)
        .Select(p => CommandPage.Parse(p.Text, Path.GetFileName(p.File)))
        .ToList();
    File.WriteAllText(Path.Combine(output, "TokUsage.dll-Help.xml"), MamlWriter.Write(pages));
    foreach (var about in Directory.GetFiles(docs, "about_*.md"))
    {
        var name = Path.GetFileNameWithoutExtension(about);
        File.WriteAllText(Path.Combine(output, name + ".help.txt"), AboutTopic.ToText(File.ReadAllText(about)));
    }

    Console.WriteLine($"TokUsage.HelpGen: {pages.Count} command page(s) -> {Path.Combine(output, "TokUsage.dll-Help.xml")}");
    return 0;
}
catch (HelpFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
