using System.Globalization;

namespace NeuralPipelines.Serving;

/// <summary>Checks the ports in <see cref="ServingOptions.Urls"/> before Kestrel sees them: its own refusal of port 99999
/// is .NET's "Specified argument was out of the range of valid values. (Parameter 'port')", which names neither the option
/// nor the URL.</summary>
internal static class ListenUrls
{
    public const int MostPort = 65535;

    /// <summary>Throws, naming --urls and the URL, when one of the ';'-separated URLs has no scheme or a port that is not
    /// 0..65535. Anything else (hosts, paths, unix sockets) is left to Kestrel.</summary>
    public static void Check(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var scheme = url.IndexOf("://", StringComparison.Ordinal);
            if (scheme <= 0) throw new ArgumentException($"--urls {url}: not a URL; give the scheme, host and port, such as http://127.0.0.1:5000.");
            var rest = url[(scheme + 3)..];
            var slash = rest.IndexOf('/');
            var hostPort = slash < 0 ? rest : rest[..slash];
            if (hostPort.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || hostPort.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase)) continue;
            // The last ':' outside an IPv6 address's brackets starts the port; without one the scheme's default applies.
            var colon = hostPort.LastIndexOf(':');
            if (colon < 0 || colon < hostPort.LastIndexOf(']')) continue;
            var port = hostPort[(colon + 1)..];
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > MostPort)
                throw new ArgumentException($"--urls {url}: the port '{port}' must be a number from 0 to {MostPort} (0 picks a free port).");
        }
    }
}
