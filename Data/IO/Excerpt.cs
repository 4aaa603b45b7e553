namespace NeuralPipelines.Data.IO;

/// <summary>The one way an error message quotes text read from an input (a CSV header, a cell, a line): its first
/// <see cref="MaxLength"/> characters on one line, and how much was left out.</summary>
/// <remarks>A file whose "header line" is 200 MB (a binary file given as CSV, a file without line ends) must still give a
/// one-line error a person can read; so nothing a message echoes from a file may be longer than this.</remarks>
public static class Excerpt
{
    public const int MaxLength = 200;

    /// <summary><paramref name="text"/> as one line (line breaks and other control characters become spaces): its first
    /// <see cref="MaxLength"/> characters followed by "… (N more characters)" when it is longer, except that a rest no longer
    /// than that marker is quoted whole, since cutting it would lengthen the line and hide the end of a message for nothing.</summary>
    public static string Of(string text, int maxLength = MaxLength)
    {
        int keep = Math.Min(text.Length, maxLength);
        // Never cut a surrogate pair in half.
        if (keep < text.Length && keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
        if (text.Length - keep <= Marker(text.Length - keep).Length) keep = text.Length;
        var head = string.Create(keep, text, (span, t) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(t[i]) ? ' ' : t[i];
        });
        return keep == text.Length ? head : head + Marker(text.Length - keep);
    }

    private static string Marker(int cut) => $"… ({cut:N0} more characters)";
}
