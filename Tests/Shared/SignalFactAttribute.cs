using System.Globalization;

namespace NeuralPipelines.Tests;

/// <summary>A test that sends <paramref name="signal"/> to a child np process: Linux only, and skipped with the reason
/// when this process ignores that signal. A child inherits an ignored signal across exec and .NET then leaves it ignored,
/// so the child could not be interrupted by it, as POSIX intends: a non-interactive shell starts its background jobs
/// (<c>cmd &amp;</c>, what a CI script run in the background is) with SIGINT and SIGQUIT ignored.</summary>
public sealed class SignalFactAttribute : FactAttribute
{
    public SignalFactAttribute(string signal)
    {
        if (LinuxFactAttribute.OffLinux("POSIX signals to a child process") is { } reason) { Skip = reason; return; }
        int number = signal switch { "HUP" => 1, "INT" => 2, "QUIT" => 3, "TERM" => 15, _ => throw new ArgumentException($"No signal number known for SIG{signal}.") };
        if (IgnoredHere(number))
            Skip = $"SIG{signal} is ignored in this test process (started as a background job of a non-interactive shell?), so a child np inherits it ignored and cannot be interrupted by it.";
    }

    /// <summary>Whether signal <paramref name="number"/> is in the SigIgn mask of /proc/self/status.</summary>
    public static bool IgnoredHere(int number)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                return (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) >> (number - 1) & 1) == 1;
        return false;
    }
}
