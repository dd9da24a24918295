using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// The module's folders are layers (issue 19): each depends only on the layers below it, and a folder's namespace is
    /// its path. Read from the source, so a change that makes a folder use a type of a layer above it fails here, naming
    /// the file and the type.
    /// </summary>
    public sealed class LayerTests
    {
        /// <summary>The layers, bottom first: each may use the ones before it.</summary>
        private static readonly string[] Layers =
        {
            "Primitives",   // message keys, hashing, the hash table, JIT hints, the native SQLite engine
            "Parsing",      // line reading and JSON/protobuf scanning
            "Discovery",    // file-system facts: walking folders, identities, private files, the environment
            "Model",        // the objects Get-TokenUsage emits, token counts
            "Pricing",      // price table, overrides, the one message pricing rule
            "Clients",      // a reader per client, the reader contracts and snapshots
            "Caching",      // the per-file cache
            "Pipeline",     // discovery and ownership of logs, parallel parse, dedup gate, the scanner
            "Aggregation",  // folds and the summary rows
            "Storage",      // the usage store
            "Team",         // the team database
            "Reporting",    // the HTML report
            "Hosting",      // PowerShell-facing helpers: views, completers, module initialisation
            "Commands",     // the cmdlets
        };

        private static readonly Regex Namespace = new Regex(@"^namespace ([\w.]+)", RegexOptions.Multiline);

        private static readonly Regex TopLevelType = new Regex(
            @"^    ((?:public |internal |private |protected )*)(?:static |sealed |abstract |readonly |partial )*(?:class|struct|interface|enum)\s+([A-Z]\w*)",
            RegexOptions.Multiline);

        private static readonly Regex CommentsAndStrings = new Regex(@"//[^\n]*|@?""(?:[^""\\\n]|\\.)*""", RegexOptions.Compiled);

        private static readonly Regex TypeLikeName = new Regex(@"\b[A-Z]\w*\b");

        private static readonly Regex ModuleUsing = new Regex(@"^using (?:static )?TokUsage\.(\w+)", RegexOptions.Multiline);

        /// <summary>A plain using directive names a namespace (Microsoft.Data.Sqlite), not a type; the module's own are checked by <see cref="ModuleUsing"/>, aliases stay in the scan.</summary>
        private static readonly Regex UsingDirective = new Regex(@"^using (?:static )?[\w.]+;", RegexOptions.Multiline);

        private sealed class SourceFile
        {
            public SourceFile(string path, string folder, string text)
            {
                Path = path;
                Folder = folder;
                Text = text;
            }

            public string Path { get; }

            /// <summary>The top folder below src/TokUsage (the layer).</summary>
            public string Folder { get; }

            public string Text { get; }
        }

        private static List<SourceFile> Sources()
        {
            var root = Path.Combine(Repo.Root, "src", "TokUsage");
            return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
                .Where(p => !p.StartsWith("bin/", StringComparison.Ordinal) && !p.StartsWith("obj/", StringComparison.Ordinal))
                .Select(p => new SourceFile(p, p.Contains('/') ? p.Substring(0, p.IndexOf('/')) : string.Empty, File.ReadAllText(Path.Combine(root, p))))
                .ToList();
        }

        [Fact]
        public void EveryFileIsInALayer()
        {
            var outside = Sources().Where(f => Array.IndexOf(Layers, f.Folder) < 0).Select(f => f.Path).ToList();
            Assert.True(outside.Count == 0, "not in a layer folder: " + string.Join(", ", outside));
        }

        [Fact]
        public void EveryFolderUsesOnlyTheLayersBelowIt()
        {
            var sources = Sources();
            var declaredIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var file in sources)
            {
                foreach (Match type in TopLevelType.Matches(file.Text))
                {
                    if (!declaredIn.TryGetValue(type.Groups[2].Value, out var folders))
                    {
                        declaredIn.Add(type.Groups[2].Value, folders = new HashSet<string>(StringComparer.Ordinal));
                    }

                    folders.Add(file.Folder);
                }
            }

            var upward = new List<string>();
            foreach (var file in sources)
            {
                var layer = Array.IndexOf(Layers, file.Folder);
                // An import of a layer above is an upward dependency even while nothing of it is used yet.
                foreach (var folder in ModuleUsing.Matches(file.Text).Select(m => m.Groups[1].Value).Where(f => Array.IndexOf(Layers, f) > layer))
                {
                    upward.Add($"{file.Path} imports TokUsage.{folder}");
                }

                var code = UsingDirective.Replace(CommentsAndStrings.Replace(file.Text, string.Empty), string.Empty);
                foreach (var name in TypeLikeName.Matches(code).Select(m => m.Value).Distinct(StringComparer.Ordinal))
                {
                    // A name declared in the file's own folder is its own (folders may reuse a short name for nested types).
                    if (!declaredIn.TryGetValue(name, out var folders) || folders.Contains(file.Folder))
                    {
                        continue;
                    }

                    foreach (var folder in folders.Where(f => Array.IndexOf(Layers, f) > layer))
                    {
                        upward.Add($"{file.Path} uses {folder}'s {name}");
                    }
                }
            }

            Assert.True(upward.Count == 0, "a layer uses one above it:\n" + string.Join("\n", upward.OrderBy(u => u, StringComparer.Ordinal)));
        }

        /// <summary>Folders whose public types PowerShell itself names (cmdlets in error ids, view helpers in the format file).</summary>
        private static readonly string[] PowerShellFacing = { "Commands", "Hosting" };

        /// <summary>
        /// Internal types live in their folder's namespace (<c>TokUsage.Clients.Codex</c> for Clients/Codex); the public
        /// types — the objects users get, named <c>TokUsage.UsageFile</c>, <c>TokUsage.PeriodSummary</c>… in their
        /// scripts, format and type files — stay in the root namespace, whichever layer builds them. A file holds one or
        /// the other. The cmdlets and view helpers keep their folders' namespaces (their names are in error ids and views).
        /// </summary>
        [Fact]
        public void NamespacesAreFolders()
        {
            var wrong = new List<string>();
            foreach (var file in Sources())
            {
                var declared = Namespace.Match(file.Text).Groups[1].Value;
                var types = TopLevelType.Matches(file.Text).Cast<Match>().ToList();
                var folder = Path.GetDirectoryName(file.Path)!.Replace('\\', '/');
                var expected = types.Count > 0 && types.All(t => t.Groups[1].Value.Contains("public", StringComparison.Ordinal)) && !PowerShellFacing.Contains(file.Folder)
                    ? "TokUsage"
                    : "TokUsage." + folder.Replace('/', '.');
                if (declared != expected)
                {
                    wrong.Add($"{file.Path}: namespace {declared}, expected {expected}");
                }
            }

            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        }
    }
}
