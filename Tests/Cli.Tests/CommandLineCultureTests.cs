using System.Globalization;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>A command line means the same whatever the user's culture (audit K1: under de-DE with globalization on,
/// <c>--lambda 0.5</c> was read as 5 and a different model saved with exit 0).</summary>
public sealed class CommandLineCultureTests
{
    /// <summary>de-DE's number format: ',' for decimals and '.' between thousands. Built from the invariant culture
    /// because the tests run with invariant globalization, where de-DE itself cannot be created.</summary>
    private static CultureInfo GermanNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }

    [Fact]
    public void A_decimal_option_reads_the_same_under_a_culture_with_a_decimal_comma()
    {
        string[] ridge = ["regress", "--data", "diabetes", "--method", "ridge", "--lambda", "0.5"];
        var expected = Json(ridge).GetProperty("intercept").GetDouble();
        var tenTimes = Json([.. ridge[..^1], "5"]).GetProperty("intercept").GetDouble();
        Assert.NotEqual(expected, tenTimes);

        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = GermanNumbers();
        try
        {
            Assert.Equal(expected, Json(ridge).GetProperty("intercept").GetDouble());
            // The run hands the caller's culture back (tests and hosts run np in-process).
            Assert.Equal(",", CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator);
        }
        finally { CultureInfo.CurrentCulture = before; }
    }
}
