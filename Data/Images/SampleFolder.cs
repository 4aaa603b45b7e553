using System.Globalization;
using System.Text.RegularExpressions;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Images;

/// <summary>The folder form of <c>np sample --out</c>: one PNG per image, sample-0001.png … . The folder holds one run's
/// samples, the old set or the new one, never a mix: the new images are written into a hidden staging folder inside it
/// (<see cref="OutputTransaction(string, string)"/>) and renamed into place only once the last is written, then an
/// earlier run's sample files numbered above the new count are removed. A run that fails or is killed before the renames
/// leaves the old set as it was (a signal, or the next write into the folder, removes the staging folder); only a
/// SIGKILL during the renames themselves, milliseconds, can leave a mix. Files of other names are never touched.</summary>
public static partial class SampleFolder
{
    public static string FileFor(string folder, int number) => Path.Combine(folder, $"sample-{number:D4}.png");

    [GeneratedRegex(@"^sample-(\d{4,9})\.png$")]
    private static partial Regex SampleName();

    /// <summary>The sample files in <paramref name="folder"/> numbered above <paramref name="count"/>: an earlier run's.</summary>
    public static string[] Stale(string folder, int count) => !Directory.Exists(folder) ? [] :
        [.. Directory.EnumerateFiles(folder, "sample-*.png")
            .Where(f => SampleName().Match(Path.GetFileName(f)) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > count)
            .Order(StringComparer.Ordinal)];

    /// <summary>Writes <paramref name="count"/> images of shape [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>], stored one after another in <paramref name="pixels"/>, as the folder's whole set of
    /// samples (see the class). <paramref name="folder"/> exists. Returns the files written.</summary>
    public static IReadOnlyList<string> Write(string folder, float[] pixels, int count, int channels, int height, int width)
    {
        int per = channels * height * width;
        var files = Enumerable.Range(1, count).Select(i => FileFor(folder, i)).ToArray();
        using (var transaction = new OutputTransaction(folder, "sample"))
        {
            for (int i = 0; i < count; i++)
            {
                int offset = i * per;
                transaction.Add(files[i], s => ImageWriter.SavePng(s, pixels.AsSpan(offset, per), channels, height, width));
            }
            transaction.Commit();
        }
        // The caller's output check saw these with the new files: a read-only one stopped the run unless --force.
        foreach (var old in Stale(folder, count).Where(f => FileIdentity.Of(f)?.Kind == FileKind.Regular)) File.Delete(old);
        return files;
    }
}
