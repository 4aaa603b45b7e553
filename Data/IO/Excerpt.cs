namespace NeuralPipelines.Data.IO;

/// <summary>The one way an error message quotes text read from an input (a CSV header, a cell, a line): its first
/// <see cref="MaxLength"/> characters on one line, and how much was left out.</summary>
/// <remarks>A file whose "header line" is 200 MB (a binary file given as CSV, a file without line ends) must still give a
/// one-line error a person can read; so nothing a message echoes from a file may be longer than this.</remarks>
public static class Excerpt
{
    public const int MaxLength = 200;

    /// <summary><paramref name="text"/> as one line of at most <see cref="MaxLength"/> characters (line breaks and other
    /// control characters become spaces), followed by "… (N more characters)" when it was cut.</summary>
    public static string Of(string text, int maxLength = MaxLength)
    {
        int keep = Math.Min(text.Length, maxLength);
        // Never cut a surrogate pair in half.
        if (keep < text.Length && keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
        var head = string.Create(keep, text, (span, t) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(t[i]) ? ' ' : t[i];
        });
        return keep == text.Length ? head : $"{head}… ({text.Length - keep:N0} more characters)";
    }
}
