# The highlighter from Ruby, with nothing but the standard library (Net::HTTP, JSON).
#
#   HIGHLIGHTER_URL=http://127.0.0.1:5001 ruby examples/ruby/highlight.rb LEXER FILE
#   ruby examples/ruby/highlight.rb --legacy LEXER FILE   # the pygments.appspot.com form API
#
# Prints the HTML fragment. HIGHLIGHTER_URL is the service's base URL, mount included
# (http://host/highlight on the composite site). Errors go to stderr with exit status 1.
require "json"
require "net/http"
require "uri"

class Highlighter
  # A failure the service reported: code ("unknown_lexer", "timeout", ...) and message.
  class Error < StandardError
    attr_reader :code

    def initialize(code, message)
      @code = code
      super("#{code}: #{message}")
    end
  end

  def initialize(base_url = ENV.fetch("HIGHLIGHTER_URL", "http://127.0.0.1:5001"))
    @base = URI(base_url.chomp("/") + "/")
  end

  # The JSON API: returns the parsed answer ("output", "lexer", "guessed", ...).
  def highlight(code, lexer: nil, filename: nil, style: "default", format: "html", options: {})
    fields = { code: code, style: style, format: format, options: options }
    fields[:lexer] = lexer if lexer
    fields[:filename] = filename if filename
    request = Net::HTTP::Post.new(url("api/highlight"), "Content-Type" => "application/json")
    request.body = JSON.generate(fields)
    answer(send_request(request)) { |body| JSON.parse(body) }
  end

  # The legacy form API (fields lang and code): returns the HTML fragment.
  def legacy(code, lang)
    request = Net::HTTP::Post.new(url(""))
    request.set_form_data("lang" => lang, "code" => code)
    answer(send_request(request)) { |body| body }
  end

  private

  def url(path)
    @base + path
  end

  def send_request(request)
    Net::HTTP.start(@base.host, @base.port, use_ssl: @base.scheme == "https",
                    open_timeout: 5, read_timeout: 30) { |http| http.request(request) }
  end

  def answer(response)
    body = response.body.to_s.dup.force_encoding(Encoding::UTF_8)
    return yield(body) if response.is_a?(Net::HTTPSuccess)

    error = (JSON.parse(body)["error"] rescue nil) || { "code" => "http_#{response.code}", "message" => body[0, 200] }
    raise Error.new(error["code"], error["message"])
  end
end

if $PROGRAM_NAME == __FILE__
  legacy = ARGV.delete("--legacy")
  abort("usage: ruby highlight.rb [--legacy] LEXER FILE") unless ARGV.length == 2
  lexer, path = ARGV
  code = File.read(path, encoding: "UTF-8")
  begin
    client = Highlighter.new
    $stdout.write(legacy ? client.legacy(code, lexer) : client.highlight(code, lexer: lexer)["output"])
  rescue Highlighter::Error => error
    warn error.message
    exit 1
  end
end
