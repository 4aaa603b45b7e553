using System.Text.Json;

namespace NeuralPipelines.Serving;

/// <summary>Reads the rows of a JSON /predict body into one float array: <c>{"rows": [row, ...]}</c> or a bare
/// <c>[row, ...]</c>, where a row is an array of numbers (nested arrays, such as [C][H][W], are read in order) or an
/// object <c>{"features": [...]}</c>. Every row must hold exactly the model's input length.</summary>
/// <remarks>Read with <see cref="Utf8JsonReader"/> straight from the body's bytes: no document tree, one array out.</remarks>
public static class JsonRows
{
    /// <exception cref="BadRequestException">Malformed JSON, a row of the wrong length, no rows, too many rows.</exception>
    public static (float[] Rows, int Count) Read(ReadOnlySpan<byte> body, int inputLength, int[] inputShape, int maxRows)
    {
        // Utf8JsonReader refuses a byte-order mark, which some clients (PowerShell, files saved by Windows editors) send.
        if (body.StartsWith("\uFEFF"u8)) body = body[3..];
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        var values = new List<float>(inputLength);
        int count = 0;
        try
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                bool found = false;
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("rows"u8) && !found)
                    {
                        found = true;
                        Next(ref reader);
                        count = ReadRows(ref reader, values, inputLength, inputShape, maxRows);
                    }
                    else
                    {
                        var name = reader.GetString();
                        throw new BadRequestException(found
                            ? $"the body has a second '{name}' after 'rows'; send {{\"rows\": [...]}} only."
                            : $"unknown field '{name}'; send {{\"rows\": [[...], ...]}} or an array of rows.");
                    }
                }
                if (!found) throw new BadRequestException("the body has no 'rows'; send {\"rows\": [[...], ...]} or an array of rows.");
            }
            else count = ReadRows(ref reader, values, inputLength, inputShape, maxRows);
            if (reader.Read()) throw new BadRequestException($"malformed JSON: more after the end of the value at byte {reader.TokenStartIndex}.");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"malformed JSON: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        return (values.ToArray(), count);
    }

    private static int ReadRows(ref Utf8JsonReader reader, List<float> values, int inputLength, int[] inputShape, int maxRows)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new BadRequestException($"'rows' must be an array of rows, not {Describe(reader.TokenType)}.");
        int count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (count == maxRows) throw new BadRequestException($"more than {maxRows} rows in one request; split it.");
            int before = values.Count;
            if (reader.TokenType == JsonTokenType.StartObject) ReadFeatures(ref reader, values, count);
            else if (reader.TokenType == JsonTokenType.StartArray) ReadNumbers(ref reader, values, count);
            else throw new BadRequestException($"row {count} is {Describe(reader.TokenType)}; a row is an array of numbers or {{\"features\": [...]}}.");
            int length = values.Count - before;
            if (length != inputLength)
                throw new BadRequestException($"row {count} has {length} values; the model takes {inputLength} (shape [{string.Join(", ", inputShape)}]).");
            count++;
        }
        if (count == 0) throw new BadRequestException("no rows to score.");
        return count;
    }

    private static void ReadFeatures(ref Utf8JsonReader reader, List<float> values, int row)
    {
        bool found = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (found || !reader.ValueTextEquals("features"u8) && !reader.ValueTextEquals("Features"u8))
                throw new BadRequestException($"row {row} has a field '{reader.GetString()}'; an object row holds 'features' only.");
            found = true;
            if (Next(ref reader) != JsonTokenType.StartArray) throw new BadRequestException($"row {row}: 'features' must be an array of numbers.");
            ReadNumbers(ref reader, values, row);
        }
        if (!found) throw new BadRequestException($"row {row} has no 'features'.");
    }

    // Reads the array the reader stands on, nested arrays flattened in order.
    private static void ReadNumbers(ref Utf8JsonReader reader, List<float> values, int row)
    {
        int depth = 1;
        while (depth > 0)
        {
            switch (Next(ref reader))
            {
                case JsonTokenType.Number:
                    if (!reader.TryGetSingle(out float v) || !float.IsFinite(v))
                        throw new BadRequestException($"row {row}: {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is not a finite float32.");
                    values.Add(v);
                    break;
                case JsonTokenType.StartArray: depth++; break;
                case JsonTokenType.EndArray: depth--; break;
                default: throw new BadRequestException($"row {row} holds {Describe(reader.TokenType)}; rows hold numbers only.");
            }
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new BadRequestException("malformed JSON: the body ends before the value does.");
        return reader.TokenType;
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => t.ToString(),
    };
}
