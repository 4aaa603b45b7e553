using System.CommandLine;
using System.Text.RegularExpressions;

namespace NeuralPipelines.Cli;

/// <summary>A command line that does not parse (a value that is not a number, a missing required option) as np's one error
/// line, "np train: error: --lr: 'abc' is not a number.", like every other refusal. System.CommandLine's own answer named
/// a .NET type ("expected type 'System.Nullable`1[System.Single]'") and printed the whole help after it.</summary>
internal static partial class ParseErrorLine
{
    /// <summary>The line for <paramref name="parse"/>'s errors; null when it has none, or when no command was named
    /// (np alone, an unknown command), where the help's list of commands is the answer.</summary>
    public static string? For(ParseResult parse)
    {
        if (parse.Errors.Count == 0 || parse.CommandResult.Command is RootCommand) return null;
        var messages = parse.Errors.Select(e => Readable(e.Message)).Distinct();
        return $"np {CliContext.FullName(parse.CommandResult.Command)}: error: {string.Join(" ", messages)}";
    }

    private static string Readable(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success) return message;
        string type = m.Groups["type"].Value;
        string kind = type.Contains("Single") || type.Contains("Double") ? "a number"
            : type.Contains("Int32") ? "a whole number from -2147483648 to 2147483647"
            : type.Contains("Int64") ? "a whole number"
            : "a value of the kind it takes";
        return $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {kind}.";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$")]
    private static partial Regex CannotParse();
}
