using System.Runtime.ExceptionServices;

namespace NeuralPipelines.Data.Images;

/// <summary>Reads a list of image files on all cores, each into its own slot, and reports a bad file the same way on every run.</summary>
internal static class ImageReads
{
    /// <summary>Calls <paramref name="read"/> for items 0 … <paramref name="count"/> − 1 in parallel. A file's
    /// <see cref="InvalidDataException"/> or <see cref="IOException"/> is rethrown after all have run, the first in list
    /// order (by name, not by which thread failed first), so the message is the same on every run.</summary>
    public static void Each(int count, Action<int> read)
    {
        var errors = new Exception?[count];
        Parallel.For(0, count, i =>
        {
            try { read(i); }
            catch (Exception e) when (e is InvalidDataException or IOException) { errors[i] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) ExceptionDispatchInfo.Throw(error);
    }
}
