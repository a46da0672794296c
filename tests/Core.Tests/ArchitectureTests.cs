using System.Text.RegularExpressions;

namespace TuningService.Core.Tests;

/// <summary>
/// The rules between src/Core's folders (each its own namespace TuningService.Core.&lt;Folder&gt;, sub-folders part of
/// it): FineTuning owns a job's life and the other folders are libraries that never import it, and no folder imports
/// itself back through others. Read from the source (see <see cref="CoreFolderGraph"/>), so an unused using counts too.
/// </summary>
public sealed class ArchitectureTests
{
    static readonly Lazy<CoreFolderGraph> Graph = new(CoreFolderGraph.Read);

    [Fact]
    public void Core_folders_import_each_other_without_a_cycle()
    {
        var cycles = Graph.Value.Cycles();
        Assert.True(cycles.Count == 0, "src/Core's folders import each other in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(" → ", c) + $" (one cycle of the group {string.Join(", ", Graph.Value.GroupOf(c[0]))})\n  "
            + string.Join("\n  ", c.Zip(c.Skip(1), (from, to) => $"{from} → {to}: {Graph.Value.Where(from, to)}")))));
    }

    [Fact]
    public void Only_FineTuning_imports_FineTuning()
    {
        var importers = Graph.Value.Importers("FineTuning").Select(f => $"{f} → FineTuning: {Graph.Value.Where(f, "FineTuning")}").ToList();
        Assert.True(importers.Count == 0, "FineTuning owns a job's life; these library folders import it:\n" + string.Join("\n", importers));
    }

    [Fact]
    public void The_graph_sees_usings_and_qualified_references()
    {
        // The reader itself: a using line, a fully qualified name and a folder-qualified type all count; a property
        // that shares a folder's name and text in comments or strings do not.
        var graph = CoreFolderGraph.FromSources(["A", "B", "C", "D", "E"],
        [
            ("A", "A/X.cs", "using TuningService.Core.B;\nnamespace TuningService.Core.A;\nclass X {}"),
            ("B", "B/Y.cs", "namespace TuningService.Core.B.Sub;\nclass Y { object o = TuningService.Core.C.Z.Make(); }"),
            ("C", "C/Z.cs", "namespace TuningService.Core.C;\nclass Z { int n = D.W.N; string s = \"E.V\"; // E.V\n}"),
            ("D", "D/W.cs", "namespace TuningService.Core.D;\nclass W { const int N = 1; int M => C.Count; }"),
            ("E", "E/V.cs", "namespace TuningService.Core.E;\nclass V {}"),
        ]);
        Assert.Equal(new[] { "A → B", "B → C", "C → D" }, graph.Edges());
        Assert.Empty(graph.Cycles());
        Assert.Equal("C → D → C", string.Join(" → ", graph.WithEdge("D", "C").Cycles().Single()));
    }
}

/// <summary>
/// Which of src/Core's folders imports which, from every .cs under src/Core except Persistence/Migrations: its
/// <c>using TuningService.Core.X</c> lines (static and alias ones too), its fully qualified references
/// (<c>TuningService.Core.X.</c>, <c>Core.X.</c>) and its folder-qualified ones (<c>X.SomeType</c>, where X
/// declares SomeType or a sub-namespace of that name). Comments and string literals are left out.
/// </summary>
sealed class CoreFolderGraph
{
    readonly IReadOnlyList<string> folders;
    readonly Dictionary<(string From, string To), SortedSet<string>> edges;

    CoreFolderGraph(IReadOnlyList<string> folders, Dictionary<(string, string), SortedSet<string>> edges)
    {
        this.folders = folders;
        this.edges = edges;
    }

    public static CoreFolderGraph Read()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "Core");
        var folders = Directory.GetDirectories(core).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj") && !d.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        var sources = new List<(string, string, string)>();
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(core, folder), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(core, file).Replace('\\', '/');
                var parts = relative.Split('/');
                if (parts.Contains("bin") || parts.Contains("obj") || relative.StartsWith("Persistence/Migrations/", StringComparison.Ordinal)) continue;
                sources.Add((folder, relative, File.ReadAllText(file)));
            }
        }
        Assert.True(sources.Count > 100, $"Found only {sources.Count} sources under {core}");
        return FromSources(folders, sources);
    }

    public static CoreFolderGraph FromSources(IReadOnlyList<string> folders, IReadOnlyList<(string Folder, string Path, string Text)> sources)
    {
        var names = string.Join("|", folders.Select(Regex.Escape));
        var namespaceLine = new Regex(@"^\s*namespace\s+TuningService\.Core\.(\w+)((?:\.\w+)*)", RegexOptions.Multiline);
        var typeDeclaration = new Regex(@"\b(?:class|record|struct|interface|enum)\s+(\w+)");
        var usingLine = new Regex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?TuningService\.Core\.(" + names + @")\b");
        var reference = new Regex(@"(?<![\w.])(?:global::)?(TuningService\.Core\.|Core\.)?(" + names + @")\.(\w+)");

        var code = sources.Select(s => (s.Folder, s.Path, Text: StripCommentsAndStrings(s.Text))).ToList();
        var declared = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var (_, _, text) in code)
        {
            var ns = namespaceLine.Match(text);
            if (!ns.Success || !declared.TryGetValue(ns.Groups[1].Value, out var set)) continue;
            if (ns.Groups[2].Value.Length > 0) set.Add(ns.Groups[2].Value.Split('.')[1]);
            foreach (Match t in typeDeclaration.Matches(text)) set.Add(t.Groups[1].Value);
        }

        var edges = new Dictionary<(string, string), SortedSet<string>>();
        void Add(string from, string to, string path)
        {
            if (from == to) return;
            if (!edges.TryGetValue((from, to), out var files)) edges[(from, to)] = files = new SortedSet<string>(StringComparer.Ordinal);
            files.Add(path);
        }
        foreach (var (folder, path, text) in code)
        {
            foreach (var line in text.Split('\n'))
            {
                if (Regex.IsMatch(line, @"^\s*namespace\s")) continue;
                if (usingLine.Match(line) is { Success: true } u) Add(folder, u.Groups[1].Value, path);
                foreach (Match m in reference.Matches(line))
                {
                    var target = m.Groups[2].Value;
                    if (m.Groups[1].Success || declared[target].Contains(m.Groups[3].Value)) Add(folder, target, path);
                }
            }
        }
        return new CoreFolderGraph(folders, edges);
    }

    public CoreFolderGraph WithEdge(string from, string to)
    {
        var copy = edges.ToDictionary(e => e.Key, e => new SortedSet<string>(e.Value, StringComparer.Ordinal));
        copy.TryAdd((from, to), new SortedSet<string>(["(added)"], StringComparer.Ordinal));
        return new CoreFolderGraph(folders, copy);
    }

    public IReadOnlyList<string> Edges() =>
        [.. edges.Keys.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).Select(e => $"{e.From} → {e.To}")];

    public IReadOnlyList<string> Importers(string folder) =>
        [.. edges.Keys.Where(e => e.To == folder).Select(e => e.From).Order(StringComparer.Ordinal)];

    /// <summary>The files of <paramref name="from"/> that import <paramref name="to"/>.</summary>
    public string Where(string from, string to) => edges.TryGetValue((from, to), out var files) ? string.Join(", ", files) : "";

    /// <summary>The folders that reach <paramref name="folder"/> and that it reaches: those in a cycle with it.</summary>
    public IReadOnlyList<string> GroupOf(string folder)
    {
        var next = folders.ToDictionary(f => f, f => edges.Keys.Where(e => e.From == f).Select(e => e.To).ToList());
        return [.. StronglyConnected(next).Single(g => g.Contains(folder)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// One cycle through each strongly connected group of folders, as a path that ends where it starts
    /// ("Files → Templates → Datasets → Files"); none when the graph is acyclic.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var next = folders.ToDictionary(f => f, f => edges.Keys.Where(e => e.From == f).Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var group in StronglyConnected(next).Where(g => g.Count > 1))
        {
            // The shortest way back to the group's first folder, staying inside the group.
            var start = group.Min(StringComparer.Ordinal)!;
            var previous = new Dictionary<string, string>();
            var queue = new Queue<string>([start]);
            string? last = null;
            while (queue.Count > 0 && last is null)
            {
                var at = queue.Dequeue();
                foreach (var to in next[at].Where(group.Contains))
                {
                    if (to == start) { last = at; break; }
                    if (previous.TryAdd(to, at)) queue.Enqueue(to);
                }
            }
            var path = new List<string> { start };
            for (var at = last!; at != start; at = previous[at]) path.Insert(1, at);
            path.Add(start);
            cycles.Add(path);
        }
        return cycles;
    }

    static List<HashSet<string>> StronglyConnected(Dictionary<string, List<string>> next)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var groups = new List<HashSet<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in next[v])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (stack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var group = new HashSet<string>(StringComparer.Ordinal);
            string popped;
            do { popped = stack.Pop(); group.Add(popped); } while (popped != v);
            groups.Add(group);
        }
        foreach (var v in next.Keys.Where(v => !index.ContainsKey(v))) Visit(v);
        return groups;
    }

    /// <summary>The text with comments (doc comments included) removed and every string and char literal emptied.</summary>
    static string StripCommentsAndStrings(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            char c = text[i], d = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '/' && d == '/') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (c == '/' && d == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + 2;
                continue;
            }
            if (c == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
                i++;
                kept.Append("''");
                continue;
            }
            // A string, with its $ and @ prefixes: raw (three or more quotes), verbatim ("" escapes) or regular (\ escapes).
            var q = i;
            var verbatim = false;
            while (q < text.Length && text[q] is '$' or '@') verbatim |= text[q++] == '@';
            if (q < text.Length && text[q] == '"')
            {
                var quotes = 0;
                while (q + quotes < text.Length && text[q + quotes] == '"') quotes++;
                if (quotes >= 3)
                {
                    var fence = new string('"', quotes);
                    var close = text.IndexOf(fence, q + quotes, StringComparison.Ordinal);
                    i = close < 0 ? text.Length : close + quotes;
                }
                else if (quotes == 2) i = q + 2; // ""
                else
                {
                    i = q + 1;
                    while (i < text.Length)
                    {
                        if (verbatim && text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { i += 2; continue; }
                        if (!verbatim && text[i] == '\\') { i += 2; continue; }
                        if (text[i] == '"' || (!verbatim && text[i] == '\n')) break;
                        i++;
                    }
                    i++;
                }
                kept.Append("\"\"");
                continue;
            }
            kept.Append(c);
            i++;
        }
        return kept.ToString();
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TuningService.sln above {AppContext.BaseDirectory}");
    }
}
