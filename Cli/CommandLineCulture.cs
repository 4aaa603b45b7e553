using System.Globalization;

namespace NeuralPipelines.Cli;

/// <summary>For the length of one np run the current culture is the invariant one, so a command line means the same on
/// every machine: <c>--lambda 0.5</c> is one half under de-DE, fr-FR and tr-TR too.</summary>
/// <remarks>System.CommandLine parses double and float options with <see cref="CultureInfo.CurrentCulture"/>. np is built
/// with invariant globalization, but DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false overrides that, and then LANG=de_DE read
/// <c>0.5</c> as 5 (the '.' a group separator) and fr_FR refused it. Files and JSON already format with the invariant
/// culture; this covers the parsing, and any text formatted without a culture, in one place. The UI culture goes too:
/// np's messages are English, and System.CommandLine's own would otherwise switch language mid-output.
/// The previous cultures come back afterwards, for the tests that run np in-process.</remarks>
internal sealed class CommandLineCulture : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    private CommandLineCulture()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }

    public static CommandLineCulture Enter() => new();

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
