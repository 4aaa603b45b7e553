using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Training;
using Spectre.Console;

namespace NeuralPipelines.Cli;

/// <summary>The streams a command writes to, and the one way every command reports success, results and failure.</summary>
/// <remarks>Human-readable progress and tables go to stderr when <c>--json</c> is given, so stdout holds exactly one JSON object.</remarks>
public sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The standard <c>--json</c> flag; add it to every command.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object (snake_case keys) on stdout instead of text." };

    /// <summary>A Spectre console for tables, progress bars and result lines: stdout normally, stderr under --json.</summary>
    /// <remarks>On a terminal Spectre wraps at the window's width, as a reader expects. Elsewhere (a pipe, a file, a CI log)
    /// it would wrap at 80 columns, splitting one result over several lines in mid-message ("...; wrote \npredictions.csv")
    /// where grep cannot find it; there a line is as long as its text.</remarks>
    public IAnsiConsole Console(bool json)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(json ? Error : Out),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!console.Profile.Out.IsTerminal) console.Profile.Width = UnwrappedWidth;
        return console;
    }

    // Wider than any line a command writes; not int.MaxValue, so that width arithmetic inside Spectre cannot overflow.
    private const int UnwrappedWidth = 1 << 15;

    public void WriteJson(object result) => Out.WriteLine(JsonSerializer.Serialize(result, result.GetType(), JsonOptions));

    /// <summary>Wraps a command body: any exception becomes one line on stderr and exit code 1.</summary>
    public void SetAction(Command command, Func<ParseResult, int> body)
    {
        command.SetAction(parse =>
        {
            try
            {
                // NP_SIMD is the process's: refused before any work, not at the first kernel call (which np demo met
                // after four steps and their files, np train after its header line).
                _ = NeuralPipelines.Models.Kernels.SimdWidth.FromEnvironment;
                return body(parse);
            }
            catch (Exception e)
            {
                Error.WriteLine($"np {FullName(command)}: error: {Describe(e, parse)}");
                return 1;
            }
        });
    }

    // A subcommand's errors read "np datasets fetch: error: ..." rather than "np fetch: ...".
    internal static string FullName(Command command)
    {
        var names = new List<string> { command.Name };
        for (var parent = Parent(command); parent is not null; parent = Parent(parent)) names.Insert(0, parent.Name);
        return string.Join(' ', names);
        static Command? Parent(Command c) => c.Parents.OfType<Command>().FirstOrDefault(p => p is not RootCommand);
    }

    private static string Describe(Exception e, ParseResult parse)
    {
        // Wrapper exceptions (reflection, aggregate) carry the useful message inside.
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null) e = e.InnerException!;
        // Options checked by the libraries name the property a caller set; here the user gave an option.
        string message = (e is OptionRangeException range ? range.CommandLineMessage : e.Message).ReplaceLineEndings(" ");
        // Readers name their file when they run out of memory or overflow; anywhere else, .NET's bare "Insufficient memory"
        // or "Arithmetic operation resulted in an overflow." is given the files of the command line it happened on.
        if (e is OutOfMemoryException or OverflowException && !Files(parse).Any(message.Contains))
        {
            var files = Files(parse).ToArray();
            string on = files.Length > 0 ? $" working on {string.Join(", ", files)}" : "";
            return e is OutOfMemoryException
                ? $"out of memory{on} ({message}); a file may declare sizes it does not hold, or the job needs a smaller batch."
                : $"arithmetic overflow{on} ({message}); a file may declare sizes or values out of range.";
        }
        // The library names a read-only output in its callers' terms; here the way past it is an option.
        if (e is ReadOnlyOutputException || e.InnerException is ReadOnlyOutputException) message += " Give --force to replace it.";
        return message;
    }

    private static IEnumerable<string> Files(ParseResult parse) =>
        parse.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument).Select(t => t.Value).Where(v => v.Length > 0 && v != "-" && (File.Exists(v) || Directory.Exists(v))).Distinct();
}
