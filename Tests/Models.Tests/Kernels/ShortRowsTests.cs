using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="ShortRows"/>: every length from none to a few vectors, at 512 bits and at 256, copies and adds
/// exactly the row and touches nothing past it.</summary>
public sealed class ShortRowsTests
{
    [Fact]
    public unsafe void Rows_of_every_length_are_copied_and_added_exactly_and_nothing_past_them()
    {
        var rng = new Random(23);
        try
        {
            foreach (bool wide in new[] { true, false })
            {
                ShortRows.WideRows = wide;
                for (int length = 0; length <= 70; length++)
                {
                    var src = Enumerable.Range(0, length).Select(_ => (float)rng.NextDouble()).ToArray();
                    var copied = Enumerable.Repeat(float.NaN, length + 16).ToArray();
                    var added = Enumerable.Range(0, length + 16).Select(_ => (float)rng.NextDouble()).ToArray();
                    var before = (float[])added.Clone();
                    fixed (float* ps = src) fixed (float* pc = copied) fixed (float* pa = added)
                    {
                        ShortRows.Copy(ps, pc, length);
                        ShortRows.Add(ps, pa, length);
                    }
                    for (int k = 0; k < length; k++)
                    {
                        Assert.Equal(src[k], copied[k]);
                        Assert.Equal(before[k] + src[k], added[k]);
                    }
                    for (int k = length; k < length + 16; k++)
                    {
                        Assert.True(float.IsNaN(copied[k]), $"length {length}: float {k} written");
                        Assert.Equal(before[k], added[k]);
                    }
                }
            }
        }
        finally { ShortRows.WideRows = true; }
    }
}
