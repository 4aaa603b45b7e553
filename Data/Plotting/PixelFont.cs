namespace NeuralPipelines.Data.Plotting;

/// <summary>A 3×5 pixel font (digits, capitals, a little punctuation) so plots can carry labels without a font file.</summary>
/// <remarks>ImageSharp's text rendering lives in a separate package with system-font lookup; axis labels need none of that.
/// Lower-case letters are drawn as capitals; characters without a glyph are drawn as a blank.</remarks>
internal static class PixelFont
{
    public const int Width = 3, Height = 5;

    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "111101101101111", ['1'] = "010110010010111", ['2'] = "111001111100111", ['3'] = "111001111001111",
        ['4'] = "101101111001001", ['5'] = "111100111001111", ['6'] = "111100111101111", ['7'] = "111001001010010",
        ['8'] = "111101111101111", ['9'] = "111101111001111", ['A'] = "010101111101101", ['B'] = "110101110101110",
        ['C'] = "011100100100011", ['D'] = "110101101101110", ['E'] = "111100110100111", ['F'] = "111100110100100",
        ['G'] = "011100101101011", ['H'] = "101101111101101", ['I'] = "111010010010111", ['J'] = "001001001101010",
        ['K'] = "101101110101101", ['L'] = "100100100100111", ['M'] = "101111111101101", ['N'] = "110101101101101",
        ['O'] = "010101101101010", ['P'] = "110101110100100", ['Q'] = "010101101110011", ['R'] = "110101110101101",
        ['S'] = "011100010001110", ['T'] = "111010010010010", ['U'] = "101101101101111", ['V'] = "101101101101010",
        ['W'] = "101101111111101", ['X'] = "101101010101101", ['Y'] = "101101010010010", ['Z'] = "111001010100111",
        ['.'] = "000000000000010", ['-'] = "000000111000000", ['%'] = "101001010100101", [':'] = "000010000010000",
        ['='] = "000111000111000", ['/'] = "001001010100100", ['('] = "001010010010001", [')'] = "100010010010100",
        [','] = "000000000010100", ['+'] = "000010111010000", ['_'] = "000000000000111", [' '] = "000000000000000",
        ['['] = "011010010010011", [']'] = "110010010010110", ['η'] = "110101101101001", ['λ'] = "100010010101101",
    };

    /// <summary>Whether the pixel at (x, y) of the glyph for <paramref name="c"/> is set.</summary>
    public static bool IsSet(char c, int x, int y) =>
        Glyphs.TryGetValue(char.ToUpperInvariant(c), out var g) && g[y * Width + x] == '1';

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (one blank column between glyphs).</summary>
    public static int Measure(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (Width + 1) - 1) * scale;
}
