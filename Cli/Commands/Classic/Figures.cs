using System.Globalization;

namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>Number formatting shared by the classic commands' text output.</summary>
internal static class Figures
{
    public static string G(double v, int digits = 6) => v.ToString("G" + digits, CultureInfo.InvariantCulture);

    public static string Percent(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Class(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
