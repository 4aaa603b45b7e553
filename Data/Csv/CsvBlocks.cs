namespace NeuralPipelines.Data.Csv;

/// <summary>A CSV file as a sequence of <see cref="CsvTable"/>s of at most a given number of rows each, read from the file
/// one block at a time as the sequence is walked: a consumer that is done with a block before it asks for the next holds
/// one block's rows, whatever the file's length.</summary>
/// <remarks>The rows, rules and messages are <see cref="CsvRowReader"/>'s, which are <see cref="CsvReader"/>'s; a header-only
/// file is one empty block, so a consumer still learns the columns.</remarks>
public static class CsvBlocks
{
    /// <exception cref="FileNotFoundException">No such file (when the sequence is first walked).</exception>
    /// <exception cref="CsvFormatException">A bad header or row, when the block that holds it is read.</exception>
    public static IEnumerable<CsvTable> Read(string path, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        using var reader = CsvRowReader.Open(path);
        var names = reader.Header.ColumnNames;
        var cells = new double[names.Length];
        bool more = true, first = true;
        while (more)
        {
            var columns = names.Select(_ => new List<double>(Math.Min(rows, 1 << 16))).ToArray();
            int count = 0;
            while (count < rows && (more = reader.Read(cells)))
            {
                for (int c = 0; c < cells.Length; c++) columns[c].Add(cells[c]);
                count++;
            }
            if (count > 0 || first) yield return new CsvTable(reader.Source, names, columns.Select(c => c.ToArray()).ToArray());
            first = false;
        }
    }
}
