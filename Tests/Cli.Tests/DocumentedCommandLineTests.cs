using System.CommandLine;
using System.Text.RegularExpressions;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>The command lines the documents give are ones np takes, read against np's own command tree (no command is
/// run): a whole <c>np …</c> line of a code block parses without an error, and every option a document names for a
/// command, in a code span or in a line with placeholders (<c>[--seed S]</c>, <c>M.onnx\|M.zip</c>), is an option of that
/// command. And every option np has is explained in its help. docs/EXPERIMENTS.md has its own guard
/// (<see cref="Experiments.ExperimentsDocumentTests"/>); docs/BENCHMARKS.md's command lines are the benchmarks'.</summary>
public partial class DocumentedCommandLineTests
{
    public static readonly string[] Documents =
        ["README.md", "docs/ONNX.md", "docs/RELIABILITY.md", "docs/TESTING.md", "docs/ZOO.md", "docs/packages/np.md"];

    private static RootCommand Root() => Program.Root(new CliContext(TextWriter.Null, TextWriter.Null));

    [Fact]
    public void Every_whole_np_line_of_a_documents_code_blocks_parses()
    {
        var root = Root();
        var failures = new List<string>();
        int parsed = 0;
        foreach (var (document, line, text, _) in CommandLines().Where(c => c.FromCodeBlock && IsWhole(c.Text)))
        {
            parsed++;
            var parse = root.Parse(Tokens(text));
            if (parse.Errors.Count > 0)
                failures.Add($"{document}:{line}: {text}\n    {string.Join(" ", parse.Errors.Select(e => e.Message))}");
        }
        Assert.True(parsed > 20, $"only {parsed} whole np lines found in the code blocks of {string.Join(", ", Documents)}");
        Assert.True(failures.Count == 0, "documented command lines np does not take:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Every_option_a_document_names_for_a_command_is_one_of_its_options()
    {
        var root = Root();
        var failures = new List<string>();
        foreach (var (document, line, text, _) in CommandLines().SelectMany(Alternatives))
        {
            var tokens = Tokens(text);
            // The command is what the words before the first option name (np train colorize, np datasets list, np train gan).
            var words = tokens.TakeWhile(t => !t.StartsWith('-')).ToArray();
            var command = root.Parse(words).CommandResult.Command;
            if (command is RootCommand) { failures.Add($"{document}:{line}: `{text}` names no np command"); continue; }
            var names = OptionNames(command);
            foreach (var option in tokens.Where(t => OptionName().IsMatch(t)).Select(t => t.Split('=')[0]))
                if (!names.Contains(option))
                    failures.Add($"{document}:{line}: `{text}`: np {FullName(command)} has no option {option}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Every_example_in_the_help_parses()
    {
        var root = Root();
        var failures = new List<string>();
        int examples = 0;
        void Walk(Command command)
        {
            foreach (Match example in HelpExample().Matches(command.Description ?? ""))
            {
                examples++;
                var parse = root.Parse(Tokens(example.Value.Trim()));
                if (parse.Errors.Count > 0) failures.Add($"np {FullName(command)} --help: {example.Value.Trim()}\n    {string.Join(" ", parse.Errors.Select(e => e.Message))}");
            }
            foreach (var sub in command.Subcommands) Walk(sub);
        }
        foreach (var command in root.Subcommands) Walk(command);
        Assert.True(examples >= 5, $"only {examples} examples found in the help texts");
        Assert.True(failures.Count == 0, "examples in --help that np does not take:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Every_command_is_in_the_readmes_tour_and_in_the_tools_package_readme()
    {
        var commands = Root().Subcommands.Select(c => c.Name).ToArray();
        var tour = File.ReadAllLines(Path.Combine(Repository.Root, "README.md")).Where(l => l.StartsWith("| `np "))
            .SelectMany(l => CodeSpan().Matches(l.Split(" | ")[0]).Select(m => m.Groups[1].Value.Split(' ')[1])).ToHashSet();
        var missing = commands.Where(c => !tour.Contains(c)).ToArray();
        Assert.True(missing.Length == 0, $"README's command table has no row for: {string.Join(", ", missing)}");
        var tool = File.ReadAllText(Path.Combine(Repository.Root, "docs/packages/np.md"));
        missing = commands.Where(c => !tool.Contains($"`{c}`") && !tool.Contains($"np {c}")).ToArray();
        Assert.True(missing.Length == 0, $"docs/packages/np.md does not name: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_option_and_argument_of_every_command_is_explained_in_its_help()
    {
        var missing = new List<string>();
        void Walk(Command command)
        {
            foreach (var option in command.Options.Where(o => string.IsNullOrWhiteSpace(o.Description)))
                missing.Add($"np {FullName(command)} {option.Name}");
            foreach (var argument in command.Arguments.Where(a => string.IsNullOrWhiteSpace(a.Description)))
                missing.Add($"np {FullName(command)} <{argument.Name}>");
            foreach (var sub in command.Subcommands) Walk(sub);
        }
        foreach (var command in Root().Subcommands) Walk(command);
        Assert.True(missing.Count == 0, "without a description in --help: " + string.Join(", ", missing));
    }

    private static string FullName(Command command)
    {
        var names = new List<string> { command.Name };
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null and not RootCommand; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, parent.Name);
        return string.Join(' ', names);
    }

    /// <summary>The options <paramref name="command"/> takes: its own and the recursive ones of the commands above it (--help).</summary>
    private static HashSet<string> OptionNames(Command command)
    {
        var options = command.Options.AsEnumerable();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            options = options.Concat(parent.Options.Where(o => o.Recursive));
        return options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
    }

    /// <summary>Each np command line of the documents: the lines of fenced code blocks that start with np (or
    /// <c>dotnet run --project Cli --</c>), split at <c>&amp;&amp;</c>, comments dropped; and every code span in the prose
    /// or a table that starts with <c>np </c> and names an option.</summary>
    public static IEnumerable<(string Document, int Line, string Text, bool FromCodeBlock)> CommandLines()
    {
        foreach (var document in Documents)
        {
            var lines = File.ReadAllLines(Path.Combine(Repository.Root, document));
            bool inBlock = false;
            for (int i = 0; i < lines.Length; i++)
            {
                string raw = lines[i].Trim();
                if (raw.StartsWith("```")) { inBlock = !inBlock; continue; }
                if (inBlock)
                {
                    string code = raw.StartsWith("dotnet run --project Cli -- ") ? "np " + raw["dotnet run --project Cli -- ".Length..] : raw;
                    int comment = code.IndexOf(" #", StringComparison.Ordinal);
                    if (comment >= 0) code = code[..comment];
                    foreach (var part in code.Split("&&", StringSplitOptions.TrimEntries))
                        if (part.StartsWith("np ")) yield return (document, i + 1, part, true);
                }
                else
                {
                    foreach (Match span in CodeSpan().Matches(raw))
                        if (span.Groups[1].Value.Contains(" --")) yield return (document, i + 1, span.Groups[1].Value, false);
                }
            }
        }
    }

    /// <summary>"np regress/classify --out" is two command lines, np regress --out and np classify --out.</summary>
    private static IEnumerable<(string, int, string, bool)> Alternatives((string Document, int Line, string Text, bool FromCodeBlock) c)
    {
        var words = c.Text.Split(' ');
        if (words.Length < 2 || !words[1].Contains('/') || words[1].Contains('.')) return [c];
        return words[1].Split('/').Select(w => (c.Document, c.Line, string.Join(' ', words.Take(1).Append(w).Concat(words.Skip(2))), c.FromCodeBlock));
    }

    /// <summary>A line with no placeholder in it: brackets, alternatives, ellipses, shell variables or angle brackets.</summary>
    private static bool IsWhole(string line) => !Placeholder().IsMatch(line);

    /// <summary>The words after np, with the brackets of optional parts taken off.</summary>
    private static string[] Tokens(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(t => t.Trim('[', ']')).Where(t => t.Length > 0 && t != "…" && t != "...").ToArray();

    /// <summary>An example command line in a help text: "np CMD --option …" to the end of its line.</summary>
    [GeneratedRegex(@"(?<=: |^\s*)np [a-z][^\n]* --[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex HelpExample();

    [GeneratedRegex(@"`(np [^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^--[a-z][a-z0-9-]*(=.*)?$")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"[\[\]…<>$|{}]|\.\.\.|\bFILE|\bDIR\b")]
    private static partial Regex Placeholder();
}
